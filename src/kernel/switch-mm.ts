/**
 * switch_mm's decision whether to switch at all, and mm_cpumask. The kernel calls switch_mm(prev, next)
 * on every context switch to a user task (kernel/sched.c context_switch, v2.6.36 and later); the
 * architecture decides there whether anything needs doing:
 *
 * - 32-bit ARM (arch/arm/include/asm/mmu_context.h, v2.6.36 to v4.x): `if
 *   (!cpumask_test_and_set_cpu(cpu, mm_cpumask(next)) || prev != next)`: this CPU's bit in next's
 *   mm_cpumask is set (atomically) and the switch runs when the bit was clear or the mm changes. The bit is
 *   cleared again only on VIVT caches (`if (cache_is_vivt()) cpumask_clear_cpu(cpu, mm_cpumask(prev))`),
 *   which ARMv6/v7 do not have: the mask holds every CPU that ever ran the mm.
 * - arm64 (arch/arm64/include/asm/mmu_context.h, v4.x/v5.x): `if (prev != next) __switch_mm(next)`; it
 *   does not keep mm_cpumask for this.
 *
 * Each built-in allocator takes part in the decision inside its own switchMm (it receives `prev`), as the
 * source's switch_mm does. A user's allocator that does not say so (`decidesPrevNext`) gets the 32-bit
 * ARM rule applied before it is called.
 */
import type { Op, Program } from "../engine/ops.js";
import type { ContextSwitch } from "./modules.js";
import type { AsidAllocator } from "./asid/allocator.js";
import type { KernelCtx } from "./context.js";

/** The shared variable holding `cpu`'s bit of `mm`'s mm_cpumask. */
export const mmCpumask = (mm: string, cpu: number): string => {
  let names = maskVars.get(mm);
  if (names === undefined) maskVars.set(mm, (names = []));
  return (names[cpu] ??= `${mm}.mm_cpumask[${cpu}]`);
};
const maskVars = new Map<string, string[]>();

/** The 32-bit ARM rule: cpumask_test_and_set_cpu (an atomic test_and_set_bit), then the comparison. */
export function* armSwitchNeeded(cpu: number, prev: string, next: string): Generator<Op, boolean, number> {
  const was = yield { k: "xchg", name: mmCpumask(next, cpu), value: 1 };
  return was === 0 || prev !== next;
}

/** The kernel's switch_mm(prev, next) for `allocator`. */
export function* switchMm(k: KernelCtx, allocator: AsidAllocator, cpu: number, prev: string, next: string): Program {
  if (allocator.decidesPrevNext) return yield* allocator.switchMm(k, cpu, next, prev);
  if (yield* armSwitchNeeded(cpu, prev, next)) yield* allocator.switchMm(k, cpu, next, prev);
}

/**
 * The built-in context switch (kernel/sched.c context_switch, v2.6.36 and later): a kernel thread has no
 * mm and borrows the previous one, which stays loaded (lazy TLB: `if (!mm) { next->active_mm = oldmm;
 * enter_lazy_tlb(oldmm, next); }`; ARM's enter_lazy_tlb does nothing). Every ARM kernel does this.
 * Otherwise switch_mm(prev, next), whose decision is the architecture's (above).
 */
export function* contextSwitch(
  k: KernelCtx,
  asids: AsidAllocator,
  cpu: number,
  prev: string,
  next: string,
): Generator<Op, string, number> {
  if (next === k.scenario.kernelTable) return prev;
  yield* switchMm(k, asids, cpu, prev, next);
  return next;
}

export const builtinContextSwitch: ContextSwitch = { name: "built-in", contextSwitch };
