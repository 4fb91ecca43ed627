/**
 * Preemption-bounded DPOR: Bounded Partial-Order Reduction (BPOR; Coons, Musuvathi and McKinley,
 * "Bounded Partial-Order Reduction", OOPSLA 2013, doi:10.1145/2509136.2509556,
 * https://www.microsoft.com/en-us/research/publication/bounded-partial-order-reduction/). `dpor.ts` with a bound
 * explores only schedules with at most P preemptions, with the same definition of a preemption as
 * `dfs.ts` (CHESS): picking another key while the key that ran last is still ready.
 *
 * Why DPOR cannot simply drop the schedules over the bound (the paper shows it unsound): DPOR reverses a race
 * between step i (thread q) and a later step j (thread p) by running p at the choice point before i. If
 * i is in the middle of q's block (a run of consecutive q steps), running p there is a preemption, and
 * over the bound that reversal is dropped, although the same order of i and j may be reachable within
 * the bound by switching to p earlier, where the schedule switched anyway. The bound makes steps that
 * commute "bound-dependent". BPOR therefore also adds p as a *conservative* backtrack point at the last
 * context switch before i: the first step of the block holding step i − 1 (as dejafu's
 * `preempBacktrack` does, the Haskell implementation of the paper: barrucadu/dejafu, Test/DPOR).
 * Switching to p there costs no more preemptions than the schedule that found the race paid there.
 *
 * Without that point (and without sleep sets) the search is unsound here too: on tlb-shootdown-munmap-local-only with one
 * preemption it reports clean where DFS finds the violation, and on asid-small-generation it reaches 7
 * of DFS's 12 final states.
 *
 * Sleep sets are off with a bound. A thread asleep at a node stands for executions equivalent to ones
 * already explored from a sibling, but the explored equivalent may have needed more preemptions than
 * the one skipped, and been cut by the bound: equivalent schedules need not have the same number of
 * preemptions (the paper calls a bound with that property trace-independent; preemption bounding is not). dejafu keeps sleep sets
 * and only exempts the conservative points from them; on our model that still loses final states (7 of
 * 12 on asid-small-generation with one preemption, 29 of 46 with two), so we use none. What is left is
 * DPOR's race reversal plus the conservative points, cut at the bound.
 */

/**
 * The step at which the last context switch strictly before step i happened: the first step of the
 * block (run of consecutive steps of one key) holding step i − 1; 0 when every step before i is one
 * block (the first choice point, where any pick is free); -1 when i is the first step.
 */
export function lastSwitchBefore(steps: readonly { key: number }[], i: number): number {
  if (i <= 0) return -1;
  let b = i - 1;
  while (b > 0 && steps[b - 1]!.key === steps[i - 1]!.key) b--;
  return b;
}
