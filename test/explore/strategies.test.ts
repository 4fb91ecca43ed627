/**
 * The four search strategies side by side: each finds the munmap race with a local-only TLBI, the
 * sampling ones are reproducible from their seed, the exhaustive ones finish a tiny clean scenario
 * (DPOR with fewer schedules than DFS), and DPOR's partial-order reduction loses no final state that
 * random sampling reaches.
 */
import { describe, expect, it } from "vitest";
import { readScenario } from "../../scenarios/index.js";
import asidSwitchNoReserved from "../../scenarios/asid-switch-no-reserved.js";
import { rolloverLoad } from "../../scenarios/rollover-load.js";
import { FifoChooser, RandomChooser, ScheduleChooser } from "../../src/engine/chooser.js";
import { execute, type ExecutionTarget } from "../../src/explore/execution.js";
import { makeStrategy, estimateSteps } from "../../src/explore/explorer.js";
import type { StrategyName } from "../../src/explore/strategy.js";
import { builtinTarget, rd, run, targetOf, tinyTarget, unmap } from "./explore-helpers.js";

const ALL: StrategyName[] = ["random", "pct", "dfs", "dpor"];

describe("every strategy finds the munmap race with a local-only TLBI", () => {
  it.each(ALL)("%s finds translation-coherence in tlb-shootdown-munmap-local-only within 500 schedules", async (strategy) => {
    const t = await builtinTarget("tlb-shootdown-munmap-local-only");
    const r = run(t, strategy, { budget: 500 });
    expect(r.found, `${strategy}: ${r.schedules} schedules, nothing found`).not.toBeNull();
    expect(r.found!.violation.invariant).toBe("translation-coherence");
    expect(r.schedules).toBeLessThanOrEqual(500);
    // The search stops at the first violation: the found one is the last schedule run.
    if (strategy === "dfs" || strategy === "dpor") {
      expect(r.found!.index).toBe(r.schedules - 1);
      expect(r.exhausted).toBe(false);
    } else expect(r.exhausted).toBeNull();
    // The picks it reports are a complete schedule: replayed strictly, they break the same invariant at the same event.
    const replay = execute(t, new ScheduleChooser(r.found!.picks, new FifoChooser(), true));
    expect(replay.violation).toEqual(r.found!.violation);
    expect(replay.picks).toEqual(r.found!.picks);
  });

  it.each(ALL)("%s finds it in the tiny two-core version too", async (strategy) => {
    const r = run(await tinyTarget({ shootdown: "local" }), strategy, { budget: 500 });
    expect(r.found?.violation.invariant).toBe("translation-coherence");
  });
});

describe("random and pct are reproducible from their seed", () => {
  it.each(["random", "pct"] as const)(
    "%s with seed 5 finds the same schedule index with the same picks twice",
    async (strategy) => {
      const t = await builtinTarget("tlb-shootdown-munmap-local-only");
      const a = run(t, strategy, { seed: 5, budget: 2000 });
      const b = run(t, strategy, { seed: 5, budget: 2000 });
      expect(a.found).not.toBeNull();
      expect(b.found!.index).toBe(a.found!.index);
      expect(b.found!.picks).toEqual(a.found!.picks);
      expect(b.found!.violation).toEqual(a.found!.violation);
      expect([b.schedules, b.events, b.distinctFinalStates, b.distinctStatesSeen]).toEqual([
        a.schedules,
        a.events,
        a.distinctFinalStates,
        a.distinctStatesSeen,
      ]);
    },
  );

  it.each(["random", "pct"] as const)("%s: the found index alone rebuilds the violating schedule", async (strategy) => {
    const t = await builtinTarget("tlb-shootdown-munmap-local-only");
    const r = run(t, strategy, { seed: 9, budget: 2000 });
    expect(r.found).not.toBeNull();
    // A strategy whose share starts at the found index hands out that schedule's chooser first.
    const s = makeStrategy(strategy, {
      seed: 9,
      depth: 3,
      preemptions: 2,
      specRate: t.scenario.machine.speculation.rate,
      steps: estimateSteps(t),
      share: { index: r.found!.index, of: 1 },
      tasksOn: () => [],
    });
    const again = execute(t, s.next()!);
    expect(s.lastIndex).toBe(r.found!.index);
    expect(again.picks).toEqual(r.found!.picks);
    expect(again.violation).toEqual(r.found!.violation);
  });

  it("random schedule i is the random run with seed + i", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap-local-only");
    const r = run(t, "random", { seed: 3, budget: 2000 });
    expect(r.found).not.toBeNull();
    const again = execute(t, new RandomChooser(3 + r.found!.index, t.scenario.machine.speculation.rate));
    expect(again.picks).toEqual(r.found!.picks);
  });
});

describe("dfs and dpor exhaust a tiny clean scenario", () => {
  it.each(["dfs", "dpor"] as const)(
    "%s exhausts the tiny broadcast-shootdown munmap and finds no violation",
    async (strategy) => {
      const r = run(await tinyTarget(), strategy, { budget: 100_000 });
      expect(r.found).toBeNull();
      expect(r.exhausted).toBe(true);
      expect(r.schedules).toBeGreaterThan(1);
      expect(r.distinctFinalStates).toBeGreaterThanOrEqual(1);
      expect(r.distinctStatesSeen).toBeGreaterThan(r.distinctFinalStates);
    },
  );

  it(
    "dpor runs strictly fewer schedules than dfs bounded at 2 preemptions, with the same clean verdict " +
      "(unbounded dfs does not finish: it is still going after 3000 schedules, more than dpor needs in all)",
    async () => {
      const t = await tinyTarget();
      const dpor = run(t, "dpor", { budget: 100_000 });
      const dfs = run(t, "dfs", { budget: 100_000, preemptions: 2 });
      expect([dpor.exhausted, dpor.found]).toEqual([true, null]);
      expect([dfs.exhausted, dfs.found]).toEqual([true, null]);
      expect(dpor.schedules).toBeLessThan(dfs.schedules);
      const unbounded = run(t, "dfs", { budget: 3000, preemptions: 1_000_000 });
      expect(unbounded.found).toBeNull();
      expect(unbounded.exhausted).toBe(false);
      expect(dpor.schedules).toBeLessThan(unbounded.schedules);
      // Every final state the bounded search reaches, DPOR reaches as well.
      const finals = (x: typeof dpor): Set<string> => new Set(x.fingerprints?.finals);
      const dporK = run(t, "dpor", { budget: 100_000, keepFingerprints: true });
      const dfsK = run(t, "dfs", { budget: 100_000, preemptions: 2, keepFingerprints: true });
      for (const h of finals(dfsK)) expect(finals(dporK).has(h)).toBe(true);
    },
  );

  // 661 schedules while same-asid-threads compared every core's registers without declaring them to
  // DPOR (unsound); 23,135 when it declared them all; 4,627 now that it compares only the core whose
  // state changed with the cores running the same mm, and declares what it looked at.
  it("dpor exhausts the built-in tlb-shootdown-munmap clean in under 5000 schedules", async () => {
    const r = run(await builtinTarget("tlb-shootdown-munmap"), "dpor", { budget: 10_000 });
    expect(r.found).toBeNull();
    expect(r.exhausted).toBe(true);
    expect(r.schedules).toBeLessThan(5000);
  });

  // BUG (src/explore/explorer.ts): the loop `while (schedules < req.budget)` stops before asking the
  // strategy for another schedule, so a budget equal to the size of the search reports exhausted
  // false although every schedule ran: `smpsim explore tlb-shootdown-munmap --strategy dpor --budget 559
  // --json` says exhausted false, `--budget 560` says true, both after 559 schedules (same for dfs
  // --preemptions 1 with --budget 226 / 227). The explorer should call next() once more before deciding.
  it.each(["dfs", "dpor"] as const)("%s with a budget of exactly the search's size still reports exhausted", async (strategy) => {
    const t = await tinyTarget();
    const all = run(t, strategy, { budget: 100_000 });
    expect(all.exhausted).toBe(true);
    const exact = run(t, strategy, { budget: all.schedules });
    expect(exact.schedules).toBe(all.schedules);
    expect(exact.exhausted).toBe(true);
  });

  it("dfs with a budget too small to finish reports exhausted false", async () => {
    const r = run(await tinyTarget(), "dfs", { budget: 3, preemptions: 2 });
    expect([r.schedules, r.exhausted, r.found]).toEqual([3, false, null]);
  });
});

/** Small clean scenarios DPOR exhausts in a few thousand schedules at most. */
async function smallScenarios(): Promise<[string, ExecutionTarget][]> {
  const rollover = (allocator: string, switchSequence: string) =>
    readScenario(
      rolloverLoad(
        `small-${allocator}`,
        "3 mms, 1 slice",
        { asidAllocator: allocator, asidBits: 2, switchSequence, scheduler: "round-robin" },
        false,
        {
          cores: 2,
          mms: 3,
          slices: 1,
          thread: false,
          pinned: true,
        },
      ),
      "small roll-over",
    );
  const reserved = {
    ...asidSwitchNoReserved,
    id: "asid-switch-reserved-small",
    expect: "clean",
    kernel: { ...asidSwitchNoReserved.kernel, switchSequence: "reserved-asid" },
    tasks: [
      { id: "A", mm: "A", cores: [0], script: [{ op: "repeat", times: 2, body: [rd("0x8000"), { op: "yield" }] }] },
      { id: "B", mm: "B", cores: [0], script: [{ op: "repeat", times: 2, body: [rd("0x8000"), { op: "yield" }] }] },
    ],
  };
  return [
    ["tiny munmap, 1-entry TLBs", await tinyTarget({ machine: { tlbEntries: 1 } })],
    [
      "tiny munmap with speculative walks",
      await tinyTarget({
        core0: [rd("0x8000"), unmap("0x8000", "broadcast")],
        core1: [rd("0x8000")],
        machine: { speculation: { enabled: true, rate: 0.2, vas: ["0x8000"] } },
      }),
    ],
    ["tlb-shootdown-munmap", await builtinTarget("tlb-shootdown-munmap")],
    ["linux-2.6.36, 3 mms, 2-bit ASIDs", await targetOf(rollover("linux-2.6.36", "reserved-asid"))],
    ["linux-4.x, 3 mms, 2-bit ASIDs", await targetOf(rollover("linux-4.x", "reserved-ttbr0"))],
    ["arm64, 3 mms, 2-bit ASIDs", await targetOf(rollover("arm64", "atomic"))],
    [
      "reserved-asid switch with speculative walks, 2 mms on one core",
      await targetOf(readScenario(reserved, "small reserved-asid switch")),
    ],
  ];
}

describe("dpor finds every final state random sampling finds", () => {
  it("over 3000 random schedules of each small scenario, no final state is missing from dpor's exhaustive run", async () => {
    const several: string[] = [];
    for (const [name, t] of await smallScenarios()) {
      const sampled = new Set<string>();
      for (let i = 0; i < 3000; i++) {
        const e = execute(t, new RandomChooser(1 + i, t.scenario.machine.speculation.rate));
        if (!e.violation && !e.abandoned) sampled.add(e.finalHash);
      }
      const r = run(t, "dpor", { budget: 20_000, keepFingerprints: true });
      expect(r.exhausted, `${name}: dpor did not finish in ${r.schedules} schedules`).toBe(true);
      expect(r.found, name).toBeNull();
      const dpor = new Set(r.fingerprints!.finals);
      expect(dpor.size, name).toBe(r.distinctFinalStates);
      const missing = [...sampled].filter((h) => !dpor.has(h));
      expect(
        missing,
        `${name}: ${sampled.size} sampled final states, dpor reached ${dpor.size} in ${r.schedules} schedules`,
      ).toEqual([]);
      if (sampled.size > 1) several.push(name);
    }
    // The comparison has teeth: most of these scenarios end in more than one state.
    expect(several.length, several.join("; ")).toBeGreaterThanOrEqual(4);
  }, 180_000);
});
