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
 * Sleep sets under the bound. A thread t asleep stands for schedules equivalent to ones explored
 * before from a sibling, but equivalent schedules need not have the same number of preemptions (the
 * paper calls a bound where they do trace-independent; preemption bounding is not), so the explored
 * equivalent may have been cut by the bound. Keeping every sleeper (as dejafu does, exempting only the
 * conservative points) lost final states here: 7 of 12 on asid-small-generation with one preemption, 29 of
 * 46 with two. So a sibling sleeps only where the cost argument of `sleepsWithinBound` holds. The rest
 * is the paper's: race reversal plus conservative points, cut at the bound.
 */

/**
 * A bound that no schedule reaches changes nothing, yet bounded DPOR pays for it (conservative points,
 * fewer sleepers). So with a bound DPOR first runs unbounded, with a tripwire: a schedule that would
 * make a preemption past the bound is abandoned before that step. If none does, the search was plain
 * DPOR (exhaustive for every schedule, so within the bound too) and every schedule it ran and every
 * violation it found is within the bound. If one does, it starts over as bounded DPOR, having spent
 * the schedules run so far. Tried only for bounds above `UNBOUNDED_FIRST_FROM`: below, DPOR's first
 * race reversals already need more preemptions, and the restart would only add schedules.
 */
export const UNBOUNDED_FIRST_FROM = 2;
export const firstUnbounded = (bound: number): boolean => bound !== Infinity && bound > UNBOUNDED_FIRST_FROM;

/**
 * May key t, explored first from node n, sleep in the branch of u taken from n afterwards? Only if every
 * schedule E = α·u·w·t·ρ that the sleeper prunes (α: the path to n; w: steps independent of t, which is
 * what keeps t asleep) has an explored equivalent E′ = α·t·u·w·ρ with no more preemptions, so E′ is
 * within the bound wherever E is (the paper's trace-independence, checked for the one reordering a
 * sleep set relies on rather than for the whole bound).
 * With p the key that ran before n, x→y costs 1 when y ≠ x and x is still ready. Independent steps
 * leave each other's readiness alone (DPOR relies on the same), so the two schedules differ only in
 * the switches around the moved step; with w_k the last step of w and ρ₀ the first of ρ:
 *   Pb(E′) − Pb(E) = [p→t] + [t→u] + [w_k→ρ₀] − [p→u] − [w_k→t] − [t→ρ₀]
 *                 ≤ [p→t] − [p→u] + r_t,      r_t: t still ready after its step,
 * since [w_k→ρ₀] ≤ [w_k→t] (t ≠ w_k) and [t→u] − [t→ρ₀] = r_t·[ρ₀ = t]. The bound is reached (ρ₀ = t, w_k's key
 * ready), so sleeping is sound exactly when [p→t] − [p→u] + r_t ≤ 0: t continued p and u preempted it
 * (DPOR's usual case: the default pick is to continue), or t's step left t not ready (it finished or
 * waits) and switching to t cost no more than switching to u. At a free choice point (p not ready, the
 * first one) a t that stays ready does not sleep: u·w·t·t′ with t′ dependent on w is free, while its only
 * equivalents starting with t switch from t to u while t is ready. `tReady` unknown counts as ready.
 */
export function sleepsWithinBound(keys: readonly number[], prevKey: number, t: number, u: number, tReady: boolean): boolean {
  const pReady = keys.includes(prevKey);
  const cost = (k: number): number => (pReady && k !== prevKey ? 1 : 0);
  return cost(t) - cost(u) + (tReady ? 1 : 0) <= 0;
}

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
