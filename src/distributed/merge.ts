/**
 * The one-thread answer from the units' results, as soon as the results in hand decide it. Random and
 * PCT: the smallest violating index f wins, once every unit at or below f has reported (schedules
 * f + 1, as one thread runs 0..f). DFS: the subtrees walked in serial order (as dfs-subtrees.ts
 * `mergeSubtrees` does), so a subtree's schedule n is search-wide schedule (schedules of earlier
 * subtrees) + n. DPOR is one unit: its result is the search's.
 *
 * Coverage (events, distinct states) counts the units the serial search would have run up to the
 * decisive one, so it too equals one thread's, except when a DFS budget ends inside a subtree.
 */
import type { ExploreResult, Found } from "../explore/explorer.js";
import { StateSet } from "../explore/state-set.js";
import type { StrategyName } from "../explore/strategy.js";
import { unb64 } from "./run-unit.js";
import type { UnitResult } from "./unit.js";

export interface Plan {
  strategy: StrategyName;
  budget: number;
  /** DFS, or bounded DPOR: the preemption bound reported with the result. */
  preemptionBound?: number;
  /** Random/PCT: each unit's [from, to); else null. */
  ranges: [number, number][] | null;
  units: number;
}

export interface Decision {
  /** Units past this are moot (unit.ts `keys.cut`), when known. */
  cut: number | null;
  /** The search's result, once decided. */
  result: ExploreResult | null;
}

export function decide(plan: Plan, results: ReadonlyMap<number, UnitResult>): Decision {
  if (plan.strategy === "dpor") {
    const r = results.get(0);
    return {
      cut: null,
      result: r ? resultOf(plan, [r], { found: r.found, schedules: r.schedules, exhausted: r.exhausted }) : null,
    };
  }
  return plan.ranges ? decideSampled(plan, plan.ranges, results) : decideSerial(plan, results);
}

function decideSampled(plan: Plan, ranges: [number, number][], results: ReadonlyMap<number, UnitResult>): Decision {
  let f: Found | null = null;
  for (const r of results.values()) if (r.found && (!f || r.found.index < f.index)) f = r.found;
  const needed = ranges.map((_, n) => n).filter((n) => !f || ranges[n]![0] <= f.index);
  if (!needed.every((n) => results.has(n))) return { cut: f ? f.index : null, result: null };
  const rs = needed.map((n) => results.get(n)!);
  const schedules = f ? f.index + 1 : rs.reduce((s, r) => s + r.schedules, 0);
  return { cut: f ? f.index : null, result: resultOf(plan, rs, { found: f, schedules, exhausted: null }) };
}

function decideSerial(plan: Plan, results: ReadonlyMap<number, UnitResult>): Decision {
  // Any subtree after a violating one is moot, whatever the ones before it hold.
  let cut: number | null = null;
  for (const r of results.values()) if (r.state === "found" && (cut === null || r.n < cut)) cut = r.n;
  let offset = 0;
  const walked: UnitResult[] = [];
  for (let n = 0; n < plan.units; n++) {
    const r = results.get(n);
    if (!r) return { cut, result: null };
    walked.push(r);
    if (r.state === "found") {
      const index = offset + r.found!.index;
      if (index >= plan.budget)
        return { cut: n, result: resultOf(plan, walked, { found: null, schedules: plan.budget, exhausted: false }) };
      return {
        cut: n,
        result: resultOf(plan, walked, { found: { ...r.found!, index }, schedules: index + 1, exhausted: false }),
      };
    }
    if (r.state !== "done" || offset + r.schedules > plan.budget) {
      return { cut: n, result: resultOf(plan, walked, { found: null, schedules: plan.budget, exhausted: false }) };
    }
    offset += r.schedules;
  }
  return { cut, result: resultOf(plan, walked, { found: null, schedules: offset, exhausted: true }) };
}

function resultOf(plan: Plan, rs: UnitResult[], serial: Pick<ExploreResult, "found" | "schedules" | "exhausted">): ExploreResult {
  const finals = new Set(rs.flatMap((r) => r.finals));
  const seen = new StateSet();
  for (const r of rs) seen.addPacked({ hi: unb64(r.seen.hi), lo: unb64(r.seen.lo), capped: r.seen.capped });
  return {
    strategy: plan.strategy,
    schedules: serial.schedules,
    events: rs.reduce((s, r) => s + r.events, 0),
    exhausted: serial.exhausted,
    ...(plan.preemptionBound !== undefined ? { preemptionBound: plan.preemptionBound } : {}),
    distinctFinalStates: finals.size,
    distinctStatesSeen: seen.size,
    ...(seen.capped ? { statesSeenCapped: true as const } : {}),
    found: serial.found,
  };
}

/** What the finished units covered, when the search was stopped before it was decided. */
export function partial(plan: Plan, results: ReadonlyMap<number, UnitResult>): ExploreResult {
  const rs = [...results.values()].sort((a, b) => a.n - b.n);
  const schedules = rs.reduce((s, r) => s + r.schedules, 0);
  return resultOf(plan, rs, {
    found: null,
    schedules,
    exhausted: plan.strategy === "random" || plan.strategy === "pct" ? null : false,
  });
}
