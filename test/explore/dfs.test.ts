/**
 * Depth-first search with a preemption bound (CHESS): no explored schedule preempts more often than
 * the bound allows, every schedule is run once, and bound 0 runs exactly the preemption-free
 * schedules: one per combination of data choices (TLB victims) and of free switches (the last
 * thread finished or blocked), nothing else.
 */
import { describe, expect, it } from "vitest";
import type { ExecutionTarget } from "../../src/explore/execution.js";
import { execute } from "../../src/explore/execution.js";
import { isPreemption, PathChooser } from "../../src/explore/dfs.js";
import { makeStrategy } from "../../src/explore/explorer.js";
import type { Share } from "../../src/explore/strategy.js";
import { builtinTarget, rd, RecordingChooser, run, tinyTarget, unmap } from "./explore-helpers.js";

interface Explored {
  picks: number[];
  /** Preemptions counted along PathChooser's recorded path with isPreemption. */
  pathPreemptions: number;
  pathLength: number;
  /** Preemptions counted from what the engine offered (the last-run thread was ready and another ran). */
  seenPreemptions: number;
  rec: RecordingChooser;
  violation: string | null;
}

/** Drives the real dfs strategy as the explorer does, looking at each path after its execution. */
function dfsPaths(
  t: ExecutionTarget,
  bound: number,
  budget = 50_000,
  share: Share = { index: 0, of: 1 },
): { paths: Explored[]; exhausted: boolean } {
  const s = makeStrategy("dfs", { seed: 1, depth: 1, preemptions: bound, specRate: 0, steps: 0, share, tasksOn: () => [] });
  const paths: Explored[] = [];
  while (paths.length < budget) {
    const c = s.next();
    if (!c) return { paths, exhausted: true };
    if (!(c instanceof PathChooser)) throw new Error("dfs handed out something other than a PathChooser");
    const rec = new RecordingChooser(c);
    const exec = execute(t, rec);
    s.done(exec);
    if (exec.abandoned) continue;
    paths.push({
      picks: exec.picks,
      pathPreemptions: c.path.filter((n) => isPreemption(n, n.current)).length,
      pathLength: c.path.length,
      seenPreemptions: rec.steps.filter((x) => x.keys.includes(x.prev) && x.picked !== x.prev).length,
      rec,
      violation: exec.violation?.invariant ?? null,
    });
  }
  return { paths, exhausted: false };
}

/** The tiny munmap race with 2-entry TLBs under random replacement: victim choices are data choices. */
const withVictims = () =>
  tinyTarget({
    core1: [rd("0x8000"), rd("0x9000"), rd("0xc0008000"), rd("0x8000")],
    machine: { tlbEntries: 2, tlbPolicy: "random" },
  });

describe("dfs respects the preemption bound", () => {
  it.each([0, 1, 2])("with bound %i no explored path of the tiny munmap race preempts more often", async (bound) => {
    const { paths, exhausted } = dfsPaths(await tinyTarget(), bound);
    expect(exhausted).toBe(true);
    for (const p of paths) {
      // The recorded path is the execution's: one node per choice it made.
      expect(p.pathLength).toBe(p.picks.length);
      expect(p.pathPreemptions).toBe(p.seenPreemptions);
      expect(p.pathPreemptions).toBeLessThanOrEqual(bound);
    }
    // The bound is reached, not merely respected by accident.
    expect(Math.max(...paths.map((p) => p.pathPreemptions))).toBe(bound);
  });

  it("with bound 1 on the built-in local-only race, every path up to the violation stays within the bound", async () => {
    const { paths } = dfsPaths(await builtinTarget("tlb-shootdown-munmap-local-only"), 1, 400);
    for (const p of paths) expect(p.seenPreemptions).toBeLessThanOrEqual(1);
    expect(paths.some((p) => p.violation === "translation-coherence")).toBe(true);
  });

  it.each([0, 1, 2])("with bound %i every schedule is explored once", async (bound) => {
    const { paths } = dfsPaths(await withVictims(), bound);
    expect(new Set(paths.map((p) => p.picks.join(","))).size).toBe(paths.length);
  });

  it("raising the bound explores strictly more schedules: bound 0 < bound 1 < bound 2", async () => {
    const t = await tinyTarget();
    const counts = [0, 1, 2].map((preemptions) => run(t, "dfs", { preemptions, budget: 100_000 }));
    for (const r of counts) expect([r.exhausted, r.found]).toEqual([true, null]);
    expect(counts[0]!.schedules).toBeLessThan(counts[1]!.schedules);
    expect(counts[1]!.schedules).toBeLessThan(counts[2]!.schedules);
  });
});

describe("dfs with bound 0", () => {
  it("runs exactly one schedule per combination of data choices and free switches, and no preemption", async () => {
    const { paths, exhausted } = dfsPaths(await withVictims(), 0);
    expect(exhausted).toBe(true);
    const victims = paths.flatMap((p) => p.rec.all.filter((c) => c.kind === "victim"));
    expect(
      victims.some((c) => c.of > 1),
      "the scenario has no real victim choice",
    ).toBe(true);
    // Index the explored tree by prefix: which picks were taken after each prefix.
    const taken = new Map<string, Set<number>>();
    for (const p of paths) {
      expect(p.seenPreemptions).toBe(0);
      for (let i = 0; i < p.picks.length; i++) {
        const key = p.picks.slice(0, i).join(",");
        if (!taken.has(key)) taken.set(key, new Set());
        taken.get(key)!.add(p.picks[i]!);
      }
    }
    for (const p of paths) {
      let step = 0;
      for (let i = 0; i < p.picks.length; i++) {
        const c = p.rec.all[i]!;
        const here = taken.get(p.picks.slice(0, i).join(","))!;
        let expected: number[];
        if (c.kind === "step") {
          const s = p.rec.steps[step++]!;
          const keep = s.keys.indexOf(s.prev);
          // The last thread still ready: it keeps running (anything else is a preemption). Otherwise every option is free.
          expected = keep >= 0 ? [keep] : s.keys.map((_, j) => j);
        } else expected = Array.from({ length: c.of }, (_, j) => j); // data choices are branched on fully
        expect(
          [...here].sort((a, b) => a - b),
          `choice #${i} (${c.kind}) of ${p.picks.join("")}`,
        ).toEqual(expected);
      }
    }
  });

  it("explores fewer schedules than bound 1 on the built-in munmap race", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap");
    const b0 = run(t, "dfs", { preemptions: 0, budget: 100_000 });
    const b1 = run(t, "dfs", { preemptions: 1, budget: 100_000 });
    expect([b0.exhausted, b1.exhausted]).toEqual([true, true]);
    expect(b0.schedules).toBeLessThan(b1.schedules);
  });

  it("misses the local-only race, which needs a preemption: clean and exhausted", async () => {
    // Core 1 must read between core 0's local TLBI and the page's release, while core 0 could still run.
    const t = await tinyTarget({ shootdown: "local", core0: [rd("0x8000"), unmap("0x8000", "local")] });
    const r = run(t, "dfs", { preemptions: 0 });
    expect([r.exhausted, r.found]).toEqual([true, null]);
    const r1 = run(t, "dfs", { preemptions: 2 });
    expect(r1.found?.violation.invariant).toBe("translation-coherence");
  });
});
