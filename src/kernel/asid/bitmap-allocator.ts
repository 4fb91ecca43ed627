/**
 * The generation + bitmap ASID allocator without IPIs (Will Deacon, Linux 3.x arch/arm/mm/context.c;
 * the same algorithm in arch/arm64/mm/context.c), step by step:
 *
 * mm->context.id = generation | ASID. `asid_generation` counts in units of 1 << ASID_BITS. Per CPU:
 * `active_asids` (what the CPU runs now, 0 while a roll-over has taken it away), `reserved_asids`
 * (what it ran at the last roll-over) and a `tlb_flush_pending` bit. Fast path, no lock: if the mm's
 * generation is current, swap it into active_asids and switch. Slow path under `cpu_asid_lock`:
 * new_context keeps the mm's old ASID when it is reserved or still free, else takes the next free one;
 * when none is free it bumps the generation and flush_context moves every CPU's active ASID to
 * reserved and marks every CPU for a local TLB flush before its next switch.
 *
 * The fast path is `xchg` (3.10, arm64 v4.x) or `cmpxchg` (arm64 from commit a8ffaaa060b8, "arm64:
 * asid: Do not replace active_asids if already 0", found with Catalin Marinas's TLA+ model).
 */
import type { Op, Program } from "../../engine/ops.js";
import { contextVar, type KernelCtx } from "../context.js";
import type { AsidAllocator } from "./allocator.js";
import { AllocatorError } from "./errors.js";
import { armSwitchNeeded } from "../switch-mm.js";

type Step = Generator<Op, number, number>;
type Rmw = "relaxed" | "full";

const GEN = "asid_generation";
const LOCK = "cpu_asid_lock";
const CUR_IDX = "cur_idx";
const active = (c: number): string => `active_asids[${c}]`;
const reserved = (c: number): string => `reserved_asids[${c}]`;
const pending = (c: number): string => `tlb_flush_pending[${c}]`;
const bit = (i: number): string => `asid_map[${i}]`;

export interface BitmapAllocatorOptions {
  name: string;
  source: string;
  fastPath: "xchg" | "cmpxchg";
  /**
   * switch_mm's decision: 32-bit ARM's mm_cpumask test-and-set or prev != next (asm/mmu_context.h, v3.10),
   * or arm64's prev != next alone (arch/arm64/include/asm/mmu_context.h, v4.x/v5.x).
   */
  switchRule: "arm" | "arm64";
}

const first = (k: KernelCtx): number => 2 ** k.asidBits; // ASID_FIRST_VERSION = NUM_USER_ASIDS
const low = (k: KernelCtx, id: number): number => id % first(k);
const genOf = (k: KernelCtx, id: number): number => Math.floor(id / first(k));

/** find_next_zero_bit over the bitmap. The bitmap is only touched under cpu_asid_lock, so reading it
 *  is no interleaving point: the scan is plain computation on data the lock holder owns. */
function findNextZero(k: KernelCtx, from: number): number {
  for (let i = from; i < first(k); i++) if (!k.state.vars[bit(i)]) return i;
  return first(k);
}

/** flush_context: called under the lock with the generation already bumped. */
function* flushContext(k: KernelCtx, rmw: Rmw): Generator<Op, void, number> {
  // bitmap_clear: only set bits need a write.
  for (let i = 0; i < first(k); i++) if (k.state.vars[bit(i)]) yield { k: "write", name: bit(i), value: 0 };
  for (let c = 0; c < k.cores; c++) {
    let asid = yield { k: "xchg", name: active(c), value: 0, ord: rmw };
    // A CPU that has not switched since the last roll-over keeps its reserved ASID: it is the only
    // trace of the mm it still runs.
    if (asid === 0) asid = yield { k: "read", name: reserved(c) };
    yield { k: "write", name: bit(low(k, asid)), value: 1 };
    yield { k: "write", name: reserved(c), value: asid };
  }
  for (let c = 0; c < k.cores; c++) yield { k: "write", name: pending(c), value: 1 }; // cpumask_setall
}

/** check_update_reserved_asid: every CPU that reserved `asid` now reserves `newasid`; no early exit. */
function* checkUpdateReserved(k: KernelCtx, asid: number, newasid: number): Step {
  let hit = 0;
  for (let c = 0; c < k.cores; c++) {
    if ((yield { k: "read", name: reserved(c) }) === asid) {
      hit = 1;
      yield { k: "write", name: reserved(c), value: newasid };
    }
  }
  return hit;
}

function* newContext(k: KernelCtx, mm: string, rmw: Rmw): Step {
  const asid = yield { k: "read", name: contextVar(mm) };
  let generation = yield { k: "read", name: GEN };
  if (asid !== 0) {
    const newasid = generation + low(k, asid);
    // Active during a roll-over: keep it, a false alarm.
    if (yield* checkUpdateReserved(k, asid, newasid)) return newasid;
    // Had a valid ASID in a previous life: re-use it if it is still free.
    if (!k.state.vars[bit(low(k, asid))]) {
      yield { k: "write", name: bit(low(k, asid)), value: 1 };
      return newasid;
    }
  }
  let idx = findNextZero(k, (yield { k: "read", name: CUR_IDX }) || 1);
  if (idx === first(k)) {
    generation += first(k);
    // 32-bit ARM: atomic64_add_return, fully ordered (smp_mb() before and after, arch/arm/include/asm/
    // atomic.h); arm64: atomic64_add_return_relaxed (arch/arm64/mm/context.c v4.14, v5.12), which under
    // the lock is a relaxed store. Under sc a dmb is not a step.
    if (rmw === "full") yield { k: "dmb", kind: "full" };
    yield { k: "write", name: GEN, value: generation };
    if (rmw === "full") yield { k: "dmb", kind: "full" };
    yield { k: "note", ev: { type: "asid.rollover", generation: genOf(k, generation) } };
    yield* flushContext(k, rmw);
    idx = findNextZero(k, 1);
  }
  yield { k: "write", name: bit(idx), value: 1 };
  yield { k: "write", name: CUR_IDX, value: idx };
  return generation + idx;
}

/** The fast path: true when the mm's ASID is current and the swap into active_asids succeeded. */
function* fastPath(k: KernelCtx, cpu: number, asid: number, how: "xchg" | "cmpxchg", rmw: Rmw): Step {
  if (how === "xchg") {
    if (genOf(k, asid) !== genOf(k, yield { k: "read", name: GEN })) return 0;
    return (yield { k: "xchg", name: active(cpu), value: asid, ord: rmw }) !== 0 ? 1 : 0;
  }
  const old = yield { k: "read", name: active(cpu) };
  if (old === 0 || genOf(k, asid) !== genOf(k, yield { k: "read", name: GEN })) return 0;
  return (yield { k: "cmpxchg", name: active(cpu), expect: old, value: asid, ord: rmw }) !== 0 ? 1 : 0;
}

/**
 * cpumask_test_and_clear_cpu(cpu, &tlb_flush_pending), under the lock, so only its ordering matters:
 * `always` fully ordered (32-bit ARM's testop in arch/arm/lib/bitops.h, smp_dmb on both sides; arm64
 * v4.14's testop in arch/arm64/lib/bitops.S, LDXR/STLXR then DMB ISH); `if-set` the asm-generic form
 * arm64 uses from v4.19 (include/asm-generic/bitops/atomic.h: a READ_ONCE that returns at once when the
 * bit is clear, else the fully ordered atomic_long_fetch_andnot).
 */
function* testAndClearPending(cpu: number, order: "always" | "if-set"): Step {
  if (order === "always") yield { k: "dmb", kind: "full" };
  const set = yield { k: "read", name: pending(cpu) };
  if (set) {
    if (order === "if-set") yield { k: "dmb", kind: "full" };
    yield { k: "write", name: pending(cpu), value: 0 };
  }
  if (set || order === "always") yield { k: "dmb", kind: "full" };
  return set;
}

export function bitmapAllocator(o: BitmapAllocatorOptions): AsidAllocator {
  // The RMWs on active_asids (fast path, flush_context): arm64 uses atomic64_xchg_relaxed /
  // atomic64_cmpxchg_relaxed (arch/arm64/mm/context.c v4.14, v5.12; its comment in
  // check_and_switch_context: "atomic RmWs are totally ordered for a given location", and the lock
  // orders the rest); 32-bit ARM the fully ordered atomic64_xchg (arch/arm/mm/context.c v3.10, v4.x).
  const rmw: Rmw = o.switchRule === "arm64" ? "relaxed" : "full";
  return {
    name: o.name,
    source: o.source,
    initialVars(mms, cores, asidBits) {
      // asids_init (arm64): "We have more ASIDs than CPUs" is what makes a roll-over always succeed:
      // every CPU may reserve one ASID, ASID 0 is never handed out, and one must stay free.
      if (2 ** asidBits - 1 <= cores) {
        throw new AllocatorError(
          `${o.name} needs more ASIDs than CPUs: ${cores} cores need kernel.asidBits with 2^bits - 1 > ${cores}, got ${asidBits} bits`,
        );
      }
      const vars: Record<string, number> = { [GEN]: 2 ** asidBits, [CUR_IDX]: 1 };
      for (let c = 0; c < cores; c++) Object.assign(vars, { [active(c)]: 0, [reserved(c)]: 0, [pending(c)]: 0 });
      for (const mm of mms) vars[contextVar(mm)] = 0;
      return vars;
    },
    decidesPrevNext: true,
    *switchMm(k: KernelCtx, cpu: number, mm: string, prev?: string): Program {
      // context_switch runs switch_mm with interrupts disabled on these kernels (from v3.5: "ARM: Remove
      // __ARCH_WANT_INTERRUPTS_ON_CTXSW on ASID-capable CPUs", Catalin Marinas).
      yield { k: "reg", regs: { irqOn: false } };
      // No `prev`: the caller (a world switch) forces the switch.
      if (prev !== undefined && !(o.switchRule === "arm" ? yield* armSwitchNeeded(cpu, prev, mm) : prev !== mm)) {
        yield { k: "reg", regs: { irqOn: true } };
        return;
      }
      yield* k.switchPrepare(cpu); // cpu_set_reserved_ttbr0
      let asid = yield { k: "read", name: contextVar(mm) };
      if (!(yield* fastPath(k, cpu, asid, o.fastPath, rmw))) {
        yield { k: "lock", name: LOCK };
        asid = yield { k: "read", name: contextVar(mm) };
        if (genOf(k, asid) !== genOf(k, yield { k: "read", name: GEN })) {
          asid = yield* newContext(k, mm, rmw);
          yield { k: "write", name: contextVar(mm), value: asid };
        }
        if (yield* testAndClearPending(cpu, o.fastPath === "cmpxchg" ? "if-set" : "always")) {
          yield { k: "tlbi", op: { scope: "all" }, broadcast: false }; // local_flush_tlb_all
        }
        yield { k: "write", name: active(cpu), value: asid };
        yield { k: "unlock", name: LOCK };
      }
      yield { k: "note", ev: { type: "asid.assign", mm, generation: genOf(k, asid), asid: low(k, asid) } };
      yield* k.switchTo(cpu, mm, low(k, asid)); // cpu_switch_mm
      yield { k: "reg", regs: { irqOn: true } };
    },
    ipiHandlers: {},
  };
}
