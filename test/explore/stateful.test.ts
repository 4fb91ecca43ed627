/**
 * Stateful DFS (src/explore/stateful.ts) against stateless search: an unsound prune would show as a
 * verdict or a final state that stateless search has and stateful search lacks. On the small built-in
 * scenarios, with the same preemption bound as stateless DFS, and unbounded against stateless DPOR:
 * the same verdict, the same set of final states (pruned executions contribute the finals below the
 * state they were pruned at), and every counterexample replays.
 */
import { describe, expect, it } from "vitest";
import { ScheduleChooser, FifoChooser } from "../../src/engine/chooser.js";
import { execute } from "../../src/explore/execution.js";
import type { ExploreResult } from "../../src/explore/explorer.js";
import { canTrace } from "../../src/explore/program-trace.js";
import { covers, ExactStore, HashCompactStore, BitstateStore } from "../../src/explore/visited.js";
import { builtinTarget, run, SMALL_SEARCH_TARGETS } from "./explore-helpers.js";

const verdict = (r: ExploreResult): string => r.found?.violation.invariant ?? "clean";
const finals = (r: ExploreResult): string[] => [...(r.fingerprints?.finals ?? [])].sort();

// Each case runs stateless DFS, the expensive half: 2 preemptions where the space stays small (the
// local-only munmap's violation, asid-small-ipi's IRQ window), 1 on the clean munmap and on a roll-over
// scenario. asid-small-arm64 stands for the roll-over allocators (a generation, active and reserved
// ASIDs, as the 4.x allocator has, updated by cmpxchg); asid-small-generation is left to bounded DPOR's
// comparison with DFS (dpor-bounded.test.ts) and the fingerprint test (every built-in).
const cases = [
  ["tlb-shootdown-munmap", 1],
  ["tlb-shootdown-munmap-local-only", 1],
  ["tlb-shootdown-munmap-local-only", 2],
  ["asid-small-arm64", 1],
  ["asid-small-ipi", 1],
  ["asid-small-ipi", 2],
] as const;

describe("stateful dfs finds what stateless dfs finds", () => {
  it.each(cases)(
    "%s within %i preemptions: same verdict, same final states, fewer or as many schedules",
    async (name, p) => {
      const t = await builtinTarget(name);
      const dfs = run(t, "dfs", { preemptions: p, budget: 1_000_000, keepFingerprints: true });
      const st = run(t, "dfs", {
        preemptions: p,
        budget: 1_000_000,
        keepFingerprints: true,
        stateful: { store: "exact", finals: true },
      });
      const what = `dfs ${dfs.schedules} schedules (${verdict(dfs)}), stateful ${st.schedules} (${verdict(st)})`;
      expect(verdict(st), what).toBe(verdict(dfs));
      expect(st.exhausted, what).toBe(dfs.exhausted);
      if (dfs.exhausted) expect(finals(st), what).toEqual(finals(dfs));
      expect(st.schedules, what).toBeLessThanOrEqual(dfs.schedules);
      expect(st.stateful!.transitions).toBe(st.stateful!.statesStored + st.stateful!.statesMatched);
      // Every execution after the first resumed from a snapshot, none had to start over (resume.ts).
      expect(st.stateful!.resumed, what).toBe(st.schedules - 1);
      expect(st.stateful!.startedOver, what).toBe(0);
      if (st.found) {
        const again = execute(t, new ScheduleChooser(st.found.picks, new FifoChooser(), false));
        expect(again.violation?.invariant).toBe(st.found.violation.invariant);
      }
    },
    120_000,
  );
});

describe("unbounded stateful dfs against stateless dpor", () => {
  const tiny = SMALL_SEARCH_TARGETS;
  it.each(tiny)(
    "%s: same verdict and final states as dpor, with every store",
    async (_, target) => {
      const t = await target();
      const dpor = run(t, "dpor", { budget: 1_000_000, keepFingerprints: true });
      for (const store of ["exact", "hash", "bitstate"] as const) {
        const st = run(t, "dfs", {
          preemptions: Infinity,
          budget: 1_000_000,
          keepFingerprints: true,
          stateful: { store, finals: true, log2Bits: 20 },
        });
        expect(verdict(st), store).toBe(verdict(dpor));
        if (!dpor.found) {
          expect(st.exhausted, store).toBe(true);
          expect(finals(st), store).toEqual(finals(dpor));
          expect(st.preemptionBound).toBeUndefined();
        }
      }
    },
    120_000,
  );
});

describe("state stores", () => {
  it("prune a revisit only when it has no more bound left than the stored visit", () => {
    expect(covers(1, 0, 1, 0)).toBe(true);
    expect(covers(1, 0, 1, 1)).toBe(false); // the same preemptions, another item last: the first pick may differ
    expect(covers(1, 0, 2, 1)).toBe(true);
    expect(covers(2, 0, 1, 0)).toBe(false);
    for (const store of [new ExactStore(), new HashCompactStore(), new BitstateStore(16)]) {
      expect(store.visit("s", 2, 0), store.kind).toBe(true);
      expect(store.visit("s", 2, 0), store.kind).toBe(false);
      expect(store.visit("s", 1, 0), store.kind).toBe(true);
      expect(store.visit("t", 0, 0), store.kind).toBe(true);
    }
  });

  it("take a complete state for explored whatever the preemptions of a later visit (exact and hash)", () => {
    for (const store of [new ExactStore(), new HashCompactStore()]) {
      expect(store.visit("s", 2, 0)).toBe(true);
      expect(store.isComplete("s")).toBe(false);
      store.complete("s");
      expect(store.isComplete("s")).toBe(true);
      expect(store.visit("s", 0, 5), store.kind).toBe(false);
      expect(store.isComplete("t")).toBe(false);
    }
  });

  it("with a bound no path reaches, store what the unbounded search stores", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap");
    const stateful = { store: "hash" as const, finals: true };
    const unbounded = run(t, "dfs", { preemptions: Infinity, budget: 100_000, keepFingerprints: true, stateful });
    const bounded = run(t, "dfs", { preemptions: 1000, budget: 100_000, keepFingerprints: true, stateful });
    expect(bounded.exhausted).toBe(true);
    expect(bounded.stateful!.statesStored).toBe(unbounded.stateful!.statesStored);
    expect(bounded.schedules).toBe(unbounded.schedules);
    expect(finals(bounded)).toEqual(finals(unbounded));
  }, 60_000);

  it("add up the probability of a missed state as they fill", () => {
    const h = new HashCompactStore();
    const b = new BitstateStore(12);
    for (let i = 0; i < 500; i++) {
      h.visit(`state ${i}`, 0, 0);
      b.visit(`state ${i}`, 0, 0);
    }
    expect(h.expectedMissed).toBeGreaterThan(0);
    expect(h.expectedMissed).toBeLessThan(1e-13);
    expect(b.expectedMissed).toBeGreaterThan(h.expectedMissed);
    expect(b.hashFactor).toBeCloseTo(4096 / b.size);
  });
});

describe("programs traced per core", () => {
  it("needs every task pinned to one core", async () => {
    expect(canTrace((await builtinTarget("asid-small-arm64")).scenario)).toBeNull();
    expect(canTrace((await builtinTarget("asid-rollover-ipi")).scenario)).toMatch(/may run on core 0 and core 1/);
  });

  it("refuses the armv8 memory model, whose view machine is outside the stored state", async () => {
    expect(canTrace((await builtinTarget("tlb-shootdown-munmap-armv8")).scenario)).toMatch(/armv8 memory model/);
  });
});
