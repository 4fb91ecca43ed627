/**
 * PCT's schedules (Burckhardt et al., ASPLOS 2010): every thread (ready-item key) gets a random
 * priority and the highest-priority ready thread runs; d − 1 change points drop the running thread
 * below all others. With depth 1 there is no change point, so a run is a fixed-priority schedule;
 * with depth 3 the change points reorder threads. No probability bound is asserted (it would flake).
 */
import { describe, expect, it } from "vitest";
import { FifoChooser } from "../../src/engine/chooser.js";
import { execute, type ExecutionTarget } from "../../src/explore/execution.js";
import { makeStrategy } from "../../src/explore/explorer.js";
import { builtinTarget, RecordingChooser, type StepRecord } from "./explore-helpers.js";

/** The chooser PCT hands out for schedule `index` of a search with this seed and depth. */
function pctChooser(t: ExecutionTarget, seed: number, depth: number, index = 0) {
  const s = makeStrategy("pct", {
    seed,
    depth,
    preemptions: 0,
    specRate: t.scenario.machine.speculation.rate,
    steps: execute(t, new FifoChooser()).events,
    share: { index, of: 1 },
    tasksOn: () => [],
  });
  return s.next()!;
}

function pctRun(t: ExecutionTarget, seed: number, depth: number) {
  const rec = new RecordingChooser(pctChooser(t, seed, depth));
  const exec = execute(t, rec);
  return { exec, steps: rec.steps };
}

/** Pairs (winner, loser) of threads that were both ready at a step choice. */
function wins(steps: readonly StepRecord[]): Set<string> {
  const out = new Set<string>();
  for (const s of steps) for (const k of s.keys) if (k !== s.picked) out.add(`${s.picked}>${k}`);
  return out;
}

/** Some pair of threads was ordered both ways: a priority changed during the run. */
function reversals(steps: readonly StepRecord[]): string[] {
  const w = wins(steps);
  return [...w].filter((p) => {
    const [a, b] = p.split(">");
    return w.has(`${b}>${a}`);
  });
}

/** Whether the "won over" relation is a strict order (no cycle), i.e. one priority list explains every pick. */
function isFixedPriority(steps: readonly StepRecord[]): boolean {
  const edges = new Map<number, Set<number>>();
  for (const s of steps)
    for (const k of s.keys)
      if (k !== s.picked) {
        if (!edges.has(s.picked)) edges.set(s.picked, new Set());
        edges.get(s.picked)!.add(k);
      }
  const state = new Map<number, 1 | 2>();
  const cyclic = (n: number): boolean => {
    if (state.get(n) === 2) return false;
    if (state.get(n) === 1) return true;
    state.set(n, 1);
    for (const m of edges.get(n) ?? []) if (cyclic(m)) return true;
    state.set(n, 2);
    return false;
  };
  return ![...edges.keys()].some(cyclic);
}

const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

describe("PCT with depth 1: highest priority first", () => {
  it.each(["tlb-shootdown-munmap", "tlb-shootdown-munmap-local-only"])(
    "%s: in every run of 40 seeds one fixed priority order explains every step choice",
    async (name) => {
      const t = await builtinTarget(name);
      for (const seed of SEEDS) {
        const { steps } = pctRun(t, seed, 1);
        expect(steps.length, `seed ${seed}`).toBeGreaterThan(0);
        expect(
          steps.some((s) => s.keys.length > 1),
          `seed ${seed}: no real choice was made`,
        ).toBe(true);
        expect(reversals(steps), `seed ${seed}`).toEqual([]);
        expect(isFixedPriority(steps), `seed ${seed}`).toBe(true);
      }
    },
  );

  it("a seed determines the schedule: the same seed twice gives the same picks and final state", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap-local-only");
    for (const seed of [1, 7, 1234]) {
      const a = pctRun(t, seed, 1).exec;
      const b = pctRun(t, seed, 1).exec;
      expect(b.picks).toEqual(a.picks);
      expect(b.finalHash).toBe(a.finalHash);
      expect(b.violation).toEqual(a.violation);
    }
  });

  it("different seeds draw different priorities: 40 seeds give more than one schedule", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap");
    const schedules = new Set(SEEDS.map((seed) => pctRun(t, seed, 1).exec.picks.join("")));
    expect(schedules.size).toBeGreaterThan(1);
  });
});

describe("PCT with depth 3: change points", () => {
  it("over 40 seeds the schedules differ, and more of them than with depth 1", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap");
    const d1 = new Set(SEEDS.map((seed) => pctRun(t, seed, 1).exec.picks.join("")));
    const d3 = new Set(SEEDS.map((seed) => pctRun(t, seed, 3).exec.picks.join("")));
    expect(d3.size).toBeGreaterThan(10);
    expect(d3.size).toBeGreaterThan(d1.size);
  });

  it("a change point demotes a thread: some run orders a pair of threads both ways", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap");
    const reordered = SEEDS.filter((seed) => reversals(pctRun(t, seed, 3).steps).length > 0);
    expect(reordered.length).toBeGreaterThan(0);
  });

  it("is still deterministic per seed", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap-local-only");
    for (const seed of [2, 3, 99]) expect(pctRun(t, seed, 3).exec.picks).toEqual(pctRun(t, seed, 3).exec.picks);
  });

  it("schedule i of a search is the chooser seeded with seed + i (any schedule is found again by its index)", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap");
    // Schedule 4 of the search from seed 10 and schedule 0 of the search from seed 14 are the same.
    const a = execute(t, pctChooser(t, 10, 3, 4));
    const b = execute(t, pctChooser(t, 14, 3, 0));
    expect(a.picks).toEqual(b.picks);
  });
});
