/**
 * Splitting DFS into subtrees for workers: the subtrees, run one after another in the order
 * splitSubtrees lists them, must run exactly the schedules of the serial search in the same order
 * (that is what lets the merge give a search-wide index to a subtree's schedule).
 */
import { describe, expect, it } from "vitest";
import { dfsStrategy } from "../../src/explore/dfs.js";
import { splitSubtrees } from "../../src/explore/dfs-subtrees.js";
import { execute, type ExecutionTarget } from "../../src/explore/execution.js";
import type { Share } from "../../src/explore/strategy.js";
import { builtinTarget } from "./explore-helpers.js";

/** The picks of every schedule a DFS over `share` runs, in order. */
function schedules(t: ExecutionTarget, preemptions: number, share: Share): string[] {
  const strategy = dfsStrategy({ seed: 1, depth: 3, preemptions, specRate: 0, steps: 1, tasksOn: () => [], share });
  const out: string[] = [];
  for (let chooser = strategy.next(); chooser; chooser = strategy.next()) {
    const exec = execute(t, chooser);
    strategy.done(exec);
    if (!exec.abandoned) out.push(exec.picks.join(","));
  }
  return out;
}

describe("splitSubtrees", () => {
  it.each([
    ["tlb-shootdown-munmap", 0],
    ["tlb-shootdown-munmap", 1],
    ["tlb-shootdown-munmap-local-only", 2],
    ["asid-small-ipi", 1],
  ] as const)("%s with %i preemptions: the subtrees in order run the serial search's schedules in its order", async (id, p) => {
    const t = await builtinTarget(id);
    const serial = schedules(t, p, { index: 0, of: 1 });
    const units = splitSubtrees(t, p, 16);
    const split = units.flatMap((prefix) => schedules(t, p, { index: 0, of: 1, prefix }));
    expect(units.length).toBeGreaterThan(1);
    expect(split).toEqual(serial);
  });

  it("splits a bounded search into subtrees of which none holds most of it (so workers stay busy)", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap");
    const units = splitSubtrees(t, 2, 16);
    const sizes = units.map((prefix) => schedules(t, 2, { index: 0, of: 1, prefix }).length);
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total).toBe(4906);
    expect(Math.max(...sizes)).toBeLessThan(total / 10);
  });
});
