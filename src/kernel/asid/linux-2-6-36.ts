/**
 * The ARMv6/v7 ASID allocator of Linux 2.6.36, arch/arm/mm/context.c and asm/mmu_context.h
 * (check_context, __new_context, flush_context, set_mm_context, reset_context), step by step.
 *
 * mm->context.id = generation (bits 31:ASID_BITS) | ASID. One global counter `cpu_last_asid` under
 * `cpu_asid_lock`. When its low bits wrap, the CPU that wrapped starts a new generation: it flushes its
 * own TLB under the reserved ASID 0 and IPIs every other CPU with smp_call_function(reset_context,
 * NULL, 1), waiting for all of them; each gives the mm it runs ASID `cpu + 1` of the new generation.
 * ASIDs 1..NR_CPUS of each generation are kept for that, so the counter then moves on by NR_CPUS.
 * Interrupts stay enabled over the context switch (__ARCH_WANT_INTERRUPTS_ON_CTXSW), so the IPI can
 * arrive anywhere in another CPU's switch_mm, including while it spins on cpu_asid_lock.
 */
import type { Program } from "../../engine/ops.js";
import { contextVar, type IpiHandler, type KernelCtx } from "../context.js";
import type { AsidAllocator } from "./allocator.js";
import { AllocatorError } from "./errors.js";
import { armSwitchNeeded } from "../switch-mm.js";

const LAST = "cpu_last_asid";
const LOCK = "cpu_asid_lock";
const idLock = (mm: string): string => `${mm}.context.id_lock`;
export const RESET_CONTEXT = "reset-context";

const first = (k: KernelCtx): number => 1 << k.asidBits; // ASID_FIRST_VERSION
const low = (k: KernelCtx, id: number): number => id & ((1 << k.asidBits) - 1);
const gen = (k: KernelCtx, id: number): number => Math.floor(id / first(k));
const sameGen = (k: KernelCtx, a: number, b: number): boolean => gen(k, a) === gen(k, b);

/** set_mm_context (SMP): under mm->context.id_lock, the first CPU to get here in a generation wins. */
function* setMmContext(k: KernelCtx, cpu: number, mm: string, asid: number): Program {
  const irqWasOn = k.state.cores[cpu]!.regs.irqOn;
  // spin_lock_irqsave: set_mm_context is also called from the IPI handler.
  if (irqWasOn) yield { k: "reg", regs: { irqOn: false } };
  yield { k: "lock", name: idLock(mm) };
  const id = yield { k: "read", name: contextVar(mm) };
  const last = yield { k: "read", name: LAST };
  if (!sameGen(k, id, last)) yield { k: "write", name: contextVar(mm), value: asid };
  yield { k: "unlock", name: idLock(mm) };
  if (irqWasOn) yield { k: "reg", regs: { irqOn: true } };
}

/**
 * flush_context: reserved ASID 0, ISB, local_flush_tlb_all(), whose reach is the CPU type's
 * (kernel.flushAllScope: TLBIALL on ARM11MPCore, TLBIALLIS on ARMv7 SMP, asm/tlbflush.h v2.6.36) and which
 * ends in a DSB (the `if (tlb_flag(TLB_V6_U_FULL | ... | TLB_V7_UIS_FULL)) dsb()` tail).
 */
function* flushContext(k: KernelCtx): Program {
  yield { k: "reg", regs: { asid: 0 } };
  yield { k: "isb" };
  yield { k: "tlbi", op: { scope: "all" }, broadcast: k.scenario.kernel.flushAllScope === "inner-shareable" };
  yield { k: "dsb" };
}

/** __new_context, called when mm's generation is not the current one. */
function* newContext(k: KernelCtx, cpu: number, mm: string): Program {
  yield { k: "lock", name: LOCK };
  // Re-check: another CPU's broadcast may have given this mm a current ASID before we got the lock.
  const id = yield { k: "read", name: contextVar(mm) };
  let last = yield { k: "read", name: LAST };
  if (sameGen(k, id, last)) {
    yield { k: "unlock", name: LOCK };
    return;
  }
  let asid = last + 1;
  yield { k: "write", name: LAST, value: asid };
  if (low(k, asid) === 0) {
    // Roll-over: this CPU takes ASID cpu + 1 of the new generation.
    yield { k: "note", ev: { type: "asid.rollover", generation: gen(k, asid) } };
    asid = asid + cpu + 1;
    yield* flushContext(k);
    yield { k: "ipi", to: others(k, cpu), ipi: RESET_CONTEXT, arg: 0, wait: true };
    yield { k: "wait-acks" };
    last = yield { k: "read", name: LAST };
    yield { k: "write", name: LAST, value: last + k.cores }; // cpu_last_asid += NR_CPUS
  }
  yield* setMmContext(k, cpu, mm, asid);
  yield { k: "unlock", name: LOCK };
}

const others = (k: KernelCtx, cpu: number): number[] => Array.from({ length: k.cores }, (_, i) => i).filter((i) => i !== cpu);

/** reset_context: the IPI handler on every other CPU during a roll-over. */
const resetContext: IpiHandler = function* (k, cpu) {
  const mm = k.percpu[cpu]!.currentMm;
  if (!mm) return; // still booting on the reserved ASID
  const last = yield { k: "read", name: LAST };
  const asid = last + cpu + 1;
  yield* flushContext(k);
  yield* setMmContext(k, cpu, mm, asid);
  const id = yield { k: "read", name: contextVar(mm) };
  yield { k: "note", ev: { type: "asid.assign", mm, generation: gen(k, id), asid: low(k, id) } };
  yield { k: "reg", regs: { asid: low(k, id) } };
  yield { k: "isb" };
};

export const linux2636: AsidAllocator = {
  name: "linux-2.6.36",
  source: "arch/arm/mm/context.c and arch/arm/include/asm/mmu_context.h, Linux v2.6.36",
  initialVars(mms, cores, asidBits) {
    if (1 << asidBits <= cores + 1) {
      // Each roll-over hands out ASIDs 1..NR_CPUS of the new generation and needs one more to go on.
      throw new AllocatorError(
        `linux-2.6.36 needs more than NR_CPUS + 1 = ${cores + 1} ASIDs per generation; kernel.asidBits ${asidBits} gives ${1 << asidBits}`,
      );
    }
    // cpu_last_asid = ASID_FIRST_VERSION; __init_new_context sets every mm->context.id to 0.
    return { [LAST]: 1 << asidBits, ...Object.fromEntries(mms.map((mm) => [contextVar(mm), 0])) };
  },
  decidesPrevNext: true,
  *switchMm(k, cpu, mm, prev) {
    // switch_mm (asm/mmu_context.h): `if (!cpumask_test_and_set_cpu(cpu, mm_cpumask(next)) || prev !=
    // next)`; no `prev`: the caller (a world switch) forces the switch.
    if (prev !== undefined && !(yield* armSwitchNeeded(cpu, prev, mm))) return;
    // per_cpu(current_mm) = next first, so a reset_context from here on acts on next.
    k.percpu[cpu]!.currentMm = mm;
    yield* k.switchPrepare(cpu);
    // check_context: an unlocked read of both; interrupts are on, so a broadcast cannot be missed.
    const id = yield { k: "read", name: contextVar(mm) };
    const last = yield { k: "read", name: LAST };
    if (!sameGen(k, id, last)) yield* newContext(k, cpu, mm);
    // cpu_switch_mm → cpu_v7_switch_mm reads mm->context.id, then writes the registers.
    const now = yield { k: "read", name: contextVar(mm) };
    yield { k: "note", ev: { type: "asid.assign", mm, generation: gen(k, now), asid: low(k, now) } };
    yield* k.switchTo(cpu, mm, low(k, now));
  },
  ipiHandlers: { [RESET_CONTEXT]: resetContext },
};
