/**
 * The queue's units, run in any order and merged, give the one-thread answer: the units are run here
 * in-process (runQueueUnit, no Redis), shuffled, and `decide` must equal `explore` on one thread in
 * verdict, counterexample index and picks, schedule count, exhaustion, events and distinct states.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide } from "../../src/distributed/merge.js";
import { planUnits } from "../../src/distributed/plan.js";
import { runQueueUnit } from "../../src/distributed/run-unit.js";
import type { UnitResult } from "../../src/distributed/unit.js";
import type { ExploreResult } from "../../src/explore/explorer.js";
import type { StrategyName } from "../../src/explore/strategy.js";
import { builtinTarget, request, run } from "../explore/explore-helpers.js";

const NO_CUT = new Int32Array([0x7fffffff]);

async function onQueue(
  name: string,
  strategy: StrategyName,
  budget: number,
  unit: number,
  order: (n: number) => number[],
): Promise<ExploreResult> {
  const t = await builtinTarget(name);
  const { plan, units } = planUnits(request(t, strategy, { budget, seed: 1, preemptions: bound(name) }), ".", unit);
  const results = new Map<number, UnitResult>();
  for (const n of order(units.length)) {
    results.set(n, await runQueueUnit({ ...units[n]!, run: "test" }, ".", NO_CUT, () => undefined));
    const d = decide(plan, results);
    if (d.result) return d.result;
  }
  throw new Error("every unit reported and still undecided");
}

/** The roll-over model within 1 preemption (174 schedules): a budget of 100 ends inside a subtree, quickly. */
const bound = (name: string): number => (name === "asid-small-generation" ? 1 : 2);

const same = (r: ExploreResult) => ({
  verdict: r.found ? r.found.violation.invariant : "clean",
  index: r.found?.index,
  picks: r.found?.picks,
  schedules: r.schedules,
  exhausted: r.exhausted,
  events: r.events,
  states: r.distinctStatesSeen,
  finals: r.distinctFinalStates,
});

const shuffled =
  (seed: number) =>
  (k: number): number[] => {
    const a = Array.from({ length: k }, (_, i) => i);
    for (let i = k - 1, s = seed; i > 0; i--) {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      const j = s % (i + 1);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  };

describe("queue units merged in any order equal one thread", () => {
  it.each([
    ["tlb-shootdown-munmap-local-only", "pct", 400, 7],
    ["tlb-shootdown-munmap-local-only", "random", 400, 3],
    ["tlb-shootdown-munmap", "random", 300, 50],
    ["tlb-shootdown-munmap-local-only", "dfs", 2000, 0],
    ["asid-small-generation", "dfs", 100, 0],
    ["tlb-shootdown-munmap-local-only", "dpor", 2000, 0],
  ] as const)(
    "%s %s budget %i",
    async (name, strategy, budget, unit) => {
      const one = run(await builtinTarget(name), strategy, { budget, seed: 1, preemptions: bound(name) });
      const queued = await onQueue(name, strategy, budget, unit || 500, shuffled(budget));
      // A DFS budget that ends inside a subtree: the subtrees ran past it, so coverage counts more (merge.ts).
      const cutInSubtree = strategy === "dfs" && !one.found && !one.exhausted;
      const pick = (r: ExploreResult) => (cutInSubtree ? { ...same(r), events: 0, states: 0, finals: 0 } : same(r));
      expect(pick(queued)).toEqual(pick(one));
    },
    60_000,
  );

  it("a random search cut into units of any size, finished in any order, has one thread's verdict and index", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap-local-only");
    const one = run(t, "random", { budget: 120, seed: 3 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 130 }), fc.integer({ min: 0, max: 1000 }), async (unit, seed) => {
        const { plan, units } = planUnits(request(t, "random", { budget: 120, seed: 3 }), ".", unit);
        const results = new Map<number, UnitResult>();
        let merged: ExploreResult | null = null;
        for (const n of shuffled(seed)(units.length)) {
          results.set(n, await runQueueUnit({ ...units[n]!, run: "p" }, ".", NO_CUT, () => undefined));
          merged = decide(plan, results).result;
          if (merged) break;
        }
        expect(same(merged!)).toEqual(same(one));
      }),
      { numRuns: 15 },
    );
  }, 60_000);
});
