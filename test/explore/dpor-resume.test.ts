/**
 * DPOR's executions resumed from snapshots (dpor.ts, resume.ts) against the same search with every
 * execution started over: the same schedules in the same order, so the same schedule count, verdict,
 * counterexample, final states and states seen, for less work (fewer events run).
 */
import { describe, expect, it } from "vitest";
import type { ExploreRequest, ExploreResult } from "../../src/explore/explorer.js";
import { builtinTarget, run, tinyTarget } from "./explore-helpers.js";

type Over = Partial<Omit<ExploreRequest, "target" | "strategy">>;
const sameSearch = (a: ExploreResult, b: ExploreResult): void => {
  expect(a.schedules).toBe(b.schedules);
  expect(a.exhausted).toBe(b.exhausted);
  expect(a.found?.violation.invariant).toBe(b.found?.violation.invariant);
  expect(a.found?.picks).toEqual(b.found?.picks);
  expect([...a.fingerprints!.finals].sort()).toEqual([...b.fingerprints!.finals].sort());
  expect(a.distinctStatesSeen).toBe(b.distinctStatesSeen);
};

describe("dpor resumed from snapshots", () => {
  const cases: [string, Over][] = [
    ["tlb-shootdown-munmap", { budget: 1_500 }],
    ["tlb-shootdown-munmap-local-only", { budget: 100_000, dporPreemptions: 1 }],
    ["asid-small-ipi", { budget: 100_000 }],
    // A bound over 2: unbounded first, started over as bounded DPOR if a schedule trips it (bpor.ts).
    ["asid-small-ipi", { budget: 100_000, dporPreemptions: 3 }],
    ["tlb-shootdown-munmap-local-only", { budget: 100_000, dporPreemptions: 3 }],
    ["asid-small-arm64", { budget: 300 }],
    ["asid-small-generation", { budget: 200, dporOrder: "random", seed: 7 }],
    ["a15-vmid-small", { budget: 60, dporOrder: "pct" }],
  ];
  it.each(cases)(
    "%s %j: the same search as started over, with fewer events",
    async (name, over) => {
      const t = await builtinTarget(name);
      const base = { keepFingerprints: true, ...over };
      const resumed = run(t, "dpor", base);
      const over0 = run(t, "dpor", { ...base, resume: false });
      sameSearch(resumed, over0);
      if (resumed.schedules > 1) expect(resumed.events).toBeLessThan(over0.events);
    },
    60_000,
  );

  it("speculative walks: the same search as started over", async () => {
    const t = await tinyTarget({ machine: { speculation: { enabled: true, rate: 0.2, vas: ["0x8000"] } } });
    sameSearch(
      run(t, "dpor", { budget: 100_000, keepFingerprints: true }),
      run(t, "dpor", { budget: 100_000, keepFingerprints: true, resume: false }),
    );
  }, 60_000);

  it("armv8: every execution starts over (store buffers are outside the state), and the search is the same", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap-no-dsb-armv8");
    const a = run(t, "dpor", { budget: 200, keepFingerprints: true });
    const b = run(t, "dpor", { budget: 200, keepFingerprints: true, resume: false });
    sameSearch(a, b);
    expect(a.events).toBe(b.events);
  }, 60_000);
});
