import { describe, expect, it } from "vitest";
import { readScenario } from "../../scenarios/index.js";
import { vmidLoad } from "../../scenarios/a15-vmid-rollover.js";
import { DporSummaries, type Summary } from "../../src/explore/dpor-summaries.js";
import type { Node, Step } from "../../src/explore/dpor-tree.js";
import type { ExploreResult } from "../../src/explore/explorer.js";
import { builtinTarget, run, SMALL_SEARCH_TARGETS, targetOf } from "./explore-helpers.js";

const verdict = (r: ExploreResult): string => r.found?.violation.invariant ?? "clean";
const finals = (r: ExploreResult): string[] => [...(r.fingerprints?.finals ?? [])].sort();

describe("stateful dpor against stateless dpor", () => {
  const cases = [
    ...SMALL_SEARCH_TARGETS,
    ["tlb-shootdown-munmap-local-only (violation)", () => builtinTarget("tlb-shootdown-munmap-local-only")],
    ["asid-small-ipi (violation)", () => builtinTarget("asid-small-ipi")],
  ] as const;
  it.each(cases)(
    "%s: the same verdict, and when clean the same final states, with the hash and exact stores",
    async (_, target) => {
      const t = await target();
      const dpor = run(t, "dpor", { budget: 1_000_000, keepFingerprints: true });
      for (const store of ["hash", "exact"] as const) {
        const st = run(t, "dpor", { budget: 1_000_000, keepFingerprints: true, stateful: { store } });
        expect(verdict(st), store).toBe(verdict(dpor));
        if (!dpor.found) {
          expect(st.exhausted, store).toBe(true);
          expect(finals(st), store).toEqual(finals(dpor));
          expect(st.stateful!.statesMatched, store).toBeGreaterThan(0);
          expect(st.schedules, store).toBeLessThanOrEqual(dpor.schedules);
        }
      }
    },
    120_000,
  );

  it("exhausts tlb-shootdown-munmap in fewer schedules than stateless dpor, pruning at stored states", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap");
    const dpor = run(t, "dpor", { budget: 1_000_000 });
    const st = run(t, "dpor", { budget: 1_000_000, stateful: { store: "hash" } });
    expect(st.exhausted).toBe(true);
    expect(st.schedules * 5).toBeLessThan(dpor.schedules);
    expect(st.stateful!.statesStored).toBeGreaterThan(st.stateful!.statesMatched);
  });

  it("finds the VMID publish race of kvm-3.9 with two VMs, as unbounded stateful dfs does", async () => {
    const t = await targetOf(
      readScenario(
        vmidLoad("tiny-vmid-v3.9", "", "violation", {
          cores: 2,
          vcpus: [2, 1],
          rounds: 1,
          vmidBits: 2,
          vmidAllocator: "kvm-3.9",
          vmidPublish: "v3.9",
          pinned: true,
        }),
        "t",
      ),
    );
    const st = run(t, "dpor", { budget: 1_000_000, stateful: { store: "hash" } });
    expect(verdict(st)).toBe("no-guest-under-host-vmid");
  }, 60_000);
});

describe("stateful dpor's summaries", () => {
  const step = (key: number, reads: number[], writes: number[], node: number, clock?: number[]): Step => {
    const c = new Uint32Array(1);
    for (const i of clock ?? []) c[0]! |= 1 << i;
    return { key, fp: { reads, writes, creates: [] }, node, under: node, ...(clock ? { clock: c } : {}) };
  };
  const node = (keys: number[]): Node => ({
    keys,
    of: keys.length,
    chosen: 0,
    backtrack: new Set([keys[0]!]),
    done: new Set([keys[0]!]),
    sleep: new Map(),
    doneFp: new Map(),
    doneReady: new Map(),
    prevKey: -1,
    preBefore: 0,
  });

  it("keep, per state, the objects each thread touched anywhere below it, merged up when a node is done", () => {
    const s = new DporSummaries();
    s.stateAt[0] = "root";
    s.stateAt[1] = "child";
    s.addStep(1, step(0, [7], [], 1));
    s.addStep(1, step(1, [], [8], 1));
    s.popped(1);
    s.addStep(0, step(0, [], [9], 0));
    s.popped(0);
    const child = s.get("child")!;
    expect([...child.get(0)!.r]).toEqual([7]);
    expect([...child.get(1)!.w]).toEqual([8]);
    const root = s.get("root")!;
    expect([...root.get(0)!.r]).toEqual([7]);
    expect([...root.get(0)!.w]).toEqual([9]);
    expect(s.get("elsewhere")).toBeUndefined();
  });

  it("give a prefix step that conflicts with a summarised thread a backtrack point for it, unless it happens before that thread's last step", () => {
    // Core 0 wrote object 5 at node 0; core 1 then read object 6 (core 0's write of 6 happened before it) at node 1.
    const path = [node([0, 1]), node([1, 0])];
    const steps = [step(0, [], [5], 0, [0]), step(0, [], [6], -1, [0, 1]), step(1, [6], [], 1, [0, 1, 2])];
    // Below the pruned state core 1 reads object 5 and core 0 writes object 6.
    const summary: Summary = new Map([
      [1, { r: new Set([5]), w: new Set<number>() }],
      [0, { r: new Set<number>(), w: new Set([6]) }],
    ]);
    DporSummaries.carry(path, steps, summary);
    // Core 1's read of 5 after the prune: the write of 5 at node 0 happens before core 1's last step
    // (its clock has step 0), so no point there. Core 0's write of 6 races with core 1's read at node 1.
    expect([...path[0]!.backtrack]).toEqual([0]);
    expect([...path[1]!.backtrack].sort()).toEqual([0, 1]);
  });

  it("give every ready item a point where a summarised message's step conflicts (message ids differ between executions)", () => {
    const path = [node([0, 1, 64])];
    const steps = [step(0, [], [3], 0, [0])];
    DporSummaries.carry(path, steps, new Map([[64, { r: new Set([3]), w: new Set<number>() }]]));
    expect([...path[0]!.backtrack].sort((a, b) => a - b)).toEqual([0, 1, 64]);
  });
});
