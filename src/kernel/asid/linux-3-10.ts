/**
 * Linux v3.10.0's ARM allocator, arch/arm/mm/context.c as Will Deacon's rewrite (b5466f872852, v3.8)
 * left it, step by step. What differs from the later algorithm (linux-4-x.ts):
 * - flush_context(cpu): the allocating CPU's reserved ASID becomes 0 and its active ASID is not taken;
 *   every other CPU's active ASID is taken with xchg and reserved, with no fallback to its reserved one
 *   when it was already 0 (a CPU that has not switched since the last roll-over loses the trace of the
 *   mm it runs; the 0 is reserved and ASID_TO_IDX(0) = -1 marks no ASID).
 * - TLB flush: only this CPU is marked (its local_flush_tlb_all is inner-shareable) unless TLB
 *   maintenance needs broadcasting in software (ARM11MPCore), when every CPU is.
 * - new_context: an mm whose ASID is reserved on some CPU keeps it in the new generation
 *   (is_reserved_asid, the reserved entry itself not updated); otherwise find_first_zero_bit from the
 *   start, and cpumask_clear(mm_cpumask(mm)). ASIDs are idx + 1 (IDX_TO_ASID), NUM_USER_ASIDS = 2^bits - 1.
 */
import type { Op, Program } from "../../engine/ops.js";
import { contextVar, type KernelCtx } from "../context.js";
import { armSwitchNeeded, mmCpumask } from "../switch-mm.js";
import type { AsidAllocator } from "./allocator.js";
import { AllocatorError } from "./errors.js";

type Step = Generator<Op, number, number>;

const GEN = "asid_generation";
const LOCK = "cpu_asid_lock";
const active = (c: number): string => `active_asids[${c}]`;
const reserved = (c: number): string => `reserved_asids[${c}]`;
const pending = (c: number): string => `tlb_flush_pending[${c}]`;
const bit = (i: number): string => `asid_map[${i}]`;

const first = (k: KernelCtx): number => 2 ** k.asidBits; // ASID_FIRST_VERSION
const users = (k: KernelCtx): number => first(k) - 1; // NUM_USER_ASIDS
const low = (k: KernelCtx, id: number): number => id % first(k);
const genOf = (k: KernelCtx, id: number): number => Math.floor(id / first(k));
const broadcastFlush = (k: KernelCtx): boolean => k.scenario.kernel.flushAllScope === "inner-shareable";

/** find_first_zero_bit: the bitmap is only touched under cpu_asid_lock, so the scan is computation. */
function findFirstZero(k: KernelCtx): number {
  for (let i = 0; i < users(k); i++) if (!k.state.vars[bit(i)]) return i;
  return users(k);
}

function* flushContext(k: KernelCtx, cpu: number): Generator<Op, void, number> {
  for (let i = 0; i < users(k); i++) if (k.state.vars[bit(i)]) yield { k: "write", name: bit(i), value: 0 };
  for (let c = 0; c < k.cores; c++) {
    let asid = 0;
    if (c !== cpu) {
      asid = yield { k: "xchg", name: active(c), value: 0 };
      if (low(k, asid) > 0) yield { k: "write", name: bit(low(k, asid) - 1), value: 1 }; // ASID_TO_IDX
    }
    yield { k: "write", name: reserved(c), value: asid };
  }
  // if (!tlb_ops_need_broadcast()) cpumask_set_cpu(cpu, ...) else cpumask_setall(...)
  for (let c = 0; c < k.cores; c++) if (c === cpu || !broadcastFlush(k)) yield { k: "write", name: pending(c), value: 1 };
}

function* newContext(k: KernelCtx, cpu: number, mm: string): Step {
  let asid = yield { k: "read", name: contextVar(mm) };
  let generation = yield { k: "read", name: GEN };
  if (asid !== 0) {
    let isReserved = false;
    for (let c = 0; c < k.cores; c++) if ((yield { k: "read", name: reserved(c) }) === asid) isReserved = true;
    if (isReserved) return generation + low(k, asid);
  }
  let idx = findFirstZero(k);
  if (idx === users(k)) {
    generation += first(k);
    // atomic64_add_return: fully ordered, smp_mb() before and after (arch/arm/include/asm/atomic.h v3.10).
    yield { k: "dmb", kind: "full" };
    yield { k: "write", name: GEN, value: generation };
    yield { k: "dmb", kind: "full" };
    yield { k: "note", ev: { type: "asid.rollover", generation: genOf(k, generation) } };
    yield* flushContext(k, cpu);
    idx = findFirstZero(k);
  }
  yield { k: "write", name: bit(idx), value: 1 };
  asid = generation + idx + 1;
  for (let c = 0; c < k.cores; c++) yield { k: "write", name: mmCpumask(mm, c), value: 0 }; // cpumask_clear
  return asid;
}

export const linux310: AsidAllocator = {
  name: "linux-3.10",
  source: "arch/arm/mm/context.c and asm/mmu_context.h, Linux v3.10.0 (the v3.8 rewrite, b5466f872852)",
  decidesPrevNext: true,
  initialVars(mms, cores, asidBits) {
    if (2 ** asidBits - 1 <= cores) {
      throw new AllocatorError(
        `linux-3.10 needs more ASIDs than CPUs: ${cores} cores need kernel.asidBits with 2^bits - 1 > ${cores}, got ${asidBits} bits`,
      );
    }
    const vars: Record<string, number> = { [GEN]: 2 ** asidBits };
    for (let c = 0; c < cores; c++) Object.assign(vars, { [active(c)]: 0, [reserved(c)]: 0, [pending(c)]: 0 });
    for (const mm of mms) vars[contextVar(mm)] = 0;
    return vars;
  },
  *switchMm(k, cpu, mm, prev): Program {
    // Interrupts are off over context_switch from v3.5 on ASID-capable CPUs.
    yield { k: "reg", regs: { irqOn: false } };
    // switch_mm (asm/mmu_context.h): `!cpumask_test_and_set_cpu(cpu, mm_cpumask(next)) || prev != next`.
    if (prev !== undefined && !(yield* armSwitchNeeded(cpu, prev, mm))) {
      yield { k: "reg", regs: { irqOn: true } };
      return;
    }
    yield* k.switchPrepare(cpu); // cpu_set_reserved_ttbr0
    let asid = yield { k: "read", name: contextVar(mm) };
    let fast = false;
    if (genOf(k, asid) === genOf(k, yield { k: "read", name: GEN }))
      fast = (yield { k: "xchg", name: active(cpu), value: asid }) !== 0;
    if (!fast) {
      yield { k: "lock", name: LOCK };
      asid = yield { k: "read", name: contextVar(mm) };
      if (genOf(k, asid) !== genOf(k, yield { k: "read", name: GEN })) {
        asid = yield* newContext(k, cpu, mm);
        yield { k: "write", name: contextVar(mm), value: asid };
      }
      // cpumask_test_and_clear_cpu: fully ordered (testop, arch/arm/lib/bitops.h v3.10: smp_dmb on both sides).
      yield { k: "dmb", kind: "full" };
      const flush = yield { k: "read", name: pending(cpu) };
      if (flush) yield { k: "write", name: pending(cpu), value: 0 };
      yield { k: "dmb", kind: "full" };
      if (flush) {
        // local_flush_tlb_all: inner-shareable on an ARMv7 SMP kernel (v7wbi TLB_V7_UIS_FULL).
        yield { k: "tlbi", op: { scope: "all" }, broadcast: broadcastFlush(k) };
        yield { k: "dsb" };
      }
      yield { k: "write", name: active(cpu), value: asid };
      yield { k: "write", name: mmCpumask(mm, cpu), value: 1 }; // cpumask_set_cpu
      yield { k: "unlock", name: LOCK };
    }
    yield { k: "note", ev: { type: "asid.assign", mm, generation: genOf(k, asid), asid: low(k, asid) } };
    yield* k.switchTo(cpu, mm, low(k, asid)); // cpu_switch_mm
    yield { k: "reg", regs: { irqOn: true } };
  },
  ipiHandlers: {},
};
