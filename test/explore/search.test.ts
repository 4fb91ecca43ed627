/**
 * The search strategies on the built-in munmap scenarios: every strategy finds the missing shootdown,
 * DPOR exhausts the clean scenario in fewer schedules than bounded DFS with the same verdict, and it
 * reaches every final state random sampling reaches.
 */
import { describe, expect, it } from "vitest";
import { RandomChooser } from "../../src/engine/chooser.js";
import { isPreemption, PathChooser, type ChoiceNode } from "../../src/explore/dfs.js";
import { execute, type ExecutionTarget } from "../../src/explore/execution.js";
import { explore } from "../../src/explore/explorer.js";
import { shrink } from "../../src/explore/shrink.js";
import type { StrategyName } from "../../src/explore/strategy.js";
import { ScheduleChooser, FifoChooser } from "../../src/engine/chooser.js";
import { allocatorOf, builtin } from "../support/sim.js";

const target = (id: string): ExecutionTarget => {
  const scenario = builtin(id);
  return { scenario, allocator: allocatorOf(scenario) };
};
const search = (id: string, strategy: StrategyName, budget: number, extra: { preemptions?: number; keepFingerprints?: boolean } = {}) =>
  explore({ target: target(id), strategy, budget, seed: 1, depth: 3, preemptions: extra.preemptions ?? 2, keepFingerprints: extra.keepFingerprints ?? false });

describe("exploration strategies", () => {
  it.each(["random", "pct", "dfs", "dpor"] as const)("%s finds the local-only shootdown's coherence violation", (strategy) => {
    const r = search("tlb-shootdown-munmap-local-only", strategy, 5000);
    expect(r.found?.violation.invariant).toBe("translation-coherence");
    expect(r.found?.violation.message).toMatch(/core 1 used a TLB entry for VA 0x8000/);
  });

  it("random and pct find the same schedule twice for one seed", () => {
    for (const strategy of ["random", "pct"] as const) {
      const a = search("tlb-shootdown-munmap-local-only", strategy, 5000);
      const b = search("tlb-shootdown-munmap-local-only", strategy, 5000);
      expect(a.found?.index).toBe(b.found?.index);
      expect(a.found?.picks).toEqual(b.found?.picks);
    }
  });

  it("dpor exhausts the clean munmap scenario in fewer schedules than dfs with 2 preemptions, both clean", () => {
    const dpor = search("tlb-shootdown-munmap", "dpor", 100_000);
    const dfs = search("tlb-shootdown-munmap", "dfs", 100_000, { preemptions: 2 });
    expect(dpor.exhausted).toBe(true);
    expect(dfs.exhausted).toBe(true);
    expect(dpor.found).toBeNull();
    expect(dfs.found).toBeNull();
    expect(dpor.schedules).toBeLessThan(dfs.schedules);
  });

  it("dpor reaches every final state that 3,000 random schedules reach", () => {
    const dpor = search("tlb-shootdown-munmap", "dpor", 100_000, { keepFingerprints: true });
    const t = target("tlb-shootdown-munmap");
    const sampled = new Set<string>();
    for (let seed = 1; seed <= 3000; seed++) sampled.add(execute(t, new RandomChooser(seed, 0.1)).finalHash);
    const reached = new Set(dpor.fingerprints!.finals);
    expect([...sampled].filter((h) => !reached.has(h))).toEqual([]);
  });

  it("dfs starts on a path without preemptions and explores more under a larger bound", () => {
    const t = target("tlb-shootdown-munmap");
    for (let i = 0; i < 3; i++) {
      const path: ChoiceNode[] = [];
      execute(t, new PathChooser(path));
      let preemptions = 0;
      for (const n of path) if (isPreemption(n, n.current)) preemptions++;
      expect(preemptions).toBe(0); // the default path keeps running what ran last
    }
    const one = search("tlb-shootdown-munmap", "dfs", 100_000, { preemptions: 1 });
    const two = search("tlb-shootdown-munmap", "dfs", 100_000, { preemptions: 2 });
    expect(one.exhausted && two.exhausted).toBe(true);
    expect(one.schedules).toBeLessThan(two.schedules);
  });
});

describe("shrinking", () => {
  it("keeps the invariant, never grows the schedule, and the result replays strictly", () => {
    const t = target("tlb-shootdown-munmap-local-only");
    const r = search("tlb-shootdown-munmap-local-only", "random", 5000);
    const before = execute(t, new ScheduleChooser(r.found!.picks, new FifoChooser(), true));
    const s = shrink(t, r.found!.picks, "translation-coherence");
    expect(s.exec.violation?.invariant).toBe("translation-coherence");
    expect(s.exec.events).toBeLessThanOrEqual(before.events);
    expect(s.exec.picks.length).toBeLessThanOrEqual(before.picks.length);
    const again = execute(t, new ScheduleChooser(s.exec.picks, new FifoChooser(), true));
    expect(again.violation).toEqual(s.exec.violation);
  });
});
