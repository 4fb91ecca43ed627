/**
 * The configuration matrix: the roll-over load of the built-in ASID scenarios (4 cores, ten mms and a
 * two-threaded one, 3-bit ASIDs, speculative walks off) stays clean under every allocator with each
 * switch sequence its kernels used, across many seeds. Virtual time bounds the interleavings by default
 * (schedule.windowCycles 20); the generation+bitmap allocators also run with any interleaving at all
 * (windowCycles null). linux-2.6.36 is left at the default window: with any interleaving its
 * roll-over IPI can land inside cpu_switch_mm (irq-window.test.ts).
 * The built-in scenarios that expect a clean run are checked across the same seeds.
 */
import { describe, expect, it } from "vitest";
import { builtinScenarios, readScenario } from "../../scenarios/index.js";
import { rolloverLoad } from "../../scenarios/rollover-load.js";
import type { SwitchSequence } from "../../src/scenario/types.js";
import { is, run, where } from "./kernel-helpers.js";

const SEEDS = Array.from({ length: 100 }, (_, i) => i + 1);

const MATRIX: { allocator: string; switchSequence: SwitchSequence; windows: (number | null)[] }[] = [
  { allocator: "linux-2.6.36", switchSequence: "reserved-asid", windows: [20] },
  { allocator: "linux-3.10", switchSequence: "reserved-ttbr0", windows: [20, null] },
  // v3.10.0 with any interleaving loses a CPU's reservation across two roll-overs (linux-3-10.test.ts).
  { allocator: "linux-3.10", switchSequence: "reserved-asid", windows: [20] },
  { allocator: "linux-4.x", switchSequence: "reserved-ttbr0", windows: [20, null] },
  { allocator: "linux-4.x", switchSequence: "reserved-asid", windows: [20, null] },
  { allocator: "arm64", switchSequence: "atomic", windows: [20, null] },
  { allocator: "arm64-xchg", switchSequence: "atomic", windows: [20, null] },
  { allocator: "arm64-cmpxchg", switchSequence: "atomic", windows: [20, null] },
];

const CASES = MATRIX.flatMap((m) => m.windows.map((windowCycles) => ({ ...m, windowCycles, window: windowCycles ?? "any" })));

describe("the roll-over load stays clean", () => {
  it.each(CASES)(
    "under $allocator with $switchSequence, window $window, over 100 seeds",
    async ({ allocator, switchSequence, windowCycles }) => {
      const raw = rolloverLoad(
        `matrix-${allocator}-${switchSequence}`,
        "matrix",
        { asidAllocator: allocator, asidBits: 3, switchSequence },
        false,
      );
      const scenario = readScenario({ ...raw, schedule: { windowCycles } }, `matrix ${allocator} ${switchSequence}`);
      expect(scenario.schedule.windowCycles).toBe(windowCycles);
      const dirty: string[] = [];
      let rollovers = 0;
      for (const seed of SEEDS) {
        const r = await run(scenario, seed);
        if (r.outcome.reason !== "done" || r.outcome.violation) dirty.push(where(scenario, seed, r));
        const n = r.events.filter(is("asid.rollover")).length;
        // Every run really rolls over (3-bit ASIDs, eleven tasks in ten mms).
        if (n === 0) dirty.push(`${scenario.id} seed ${seed}: no roll-over`);
        rollovers += n;
        if (!Object.values(r.state.tasks).every((t) => t.status === "exited"))
          dirty.push(`${scenario.id} seed ${seed}: a task did not exit`);
      }
      expect(dirty).toEqual([]);
      expect(rollovers).toBeGreaterThanOrEqual(SEEDS.length * 2);
    },
  );
});

describe("the built-in scenarios that expect a clean run", () => {
  const clean = builtinScenarios.filter((b) => b.expect === "clean" && /^asid-/.test(b.id));

  it("include the three roll-over scenarios of issue 3 and their small versions", () => {
    expect(clean.map((b) => b.id).sort()).toEqual([
      "asid-arm64",
      "asid-rollover-generation",
      "asid-rollover-ipi",
      "asid-small-arm64",
      "asid-small-generation",
      "asid-small-ipi",
      "asid-small-sym",
    ]);
  });

  it.each(clean.map((b) => b.id))("%s is clean over 100 seeds", async (id) => {
    const b = builtinScenarios.find((s) => s.id === id)!;
    const scenario = readScenario(b.raw, `built-in scenario ${id}`);
    const dirty: string[] = [];
    for (const seed of SEEDS) {
      const r = await run(scenario, seed);
      if (r.outcome.reason !== "done") dirty.push(where(scenario, seed, r));
    }
    expect(dirty).toEqual([]);
  });
});
