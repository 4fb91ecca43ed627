/**
 * Stateful search on a hypervisor: a vCPU thread is plain data between its time slices (its script
 * position and a pending interrupt: src/hyp/run-loop.ts), so a core at its scheduler's loop head is
 * compared and rebuilt from that data (System.quiescent, saveQuiescent) as a kernel task's core is.
 * An unsound encoding would show here as a final state or verdict stateless DFS has and stateful
 * search lacks, or as an execution that could not be resumed.
 */
import { describe, expect, it } from "vitest";
import { readScenario } from "../../scenarios/index.js";
import { vmidLoad } from "../../scenarios/a15-vmid-rollover.js";
import type { ExploreResult } from "../../src/explore/explorer.js";
import { initialRegisters, type Registers } from "../../cores/registers.js";
import type { Op } from "../../src/engine/ops.js";
import { FifoChooser } from "../../src/engine/chooser.js";
import { isLocalStep } from "../../src/explore/local-steps.js";
import { Engine } from "../../src/engine/engine.js";
import { machineInvariants } from "../../src/invariants/index.js";
import { kernelSystem } from "../../src/run/system.js";
import { engineOptions, scenarioInitialState } from "../../src/run/simulate.js";
import type { VmidPublish } from "../../src/scenario/types.js";
import { run, targetOf } from "./explore-helpers.js";

const verdict = (r: ExploreResult): string => r.found?.violation.invariant ?? "clean";
const finals = (r: ExploreResult): string[] => [...(r.fingerprints?.finals ?? [])].sort();

/** VMs of one vCPU each on two cores, one guest slice each: small enough for stateless DFS. */
const tinyVmids = (vmidPublish: VmidPublish, vms = 2) =>
  readScenario(
    vmidLoad(`tiny-vmid-${vmidPublish}`, "", "clean", {
      cores: 2,
      vcpus: Array.from({ length: vms }, () => 1),
      rounds: 1,
      vmidBits: 2,
      vmidAllocator: "kvm-3.9",
      vmidPublish,
      pinned: true,
    }),
    "t",
  );

describe("stateful search with vCPU threads", () => {
  it.each([
    ["v5.0", 2, 1],
    ["v3.9", 3, 0],
  ] as const)(
    "kvm-3.9 publishing in %s order, %i VMs, within %i preemptions: the final states and verdict of stateless dfs",
    async (order, vms, preemptions) => {
      const t = await targetOf(tinyVmids(order, vms));
      const dfs = run(t, "dfs", { preemptions, budget: 200_000, keepFingerprints: true });
      const st = run(t, "dfs", {
        preemptions,
        budget: 200_000,
        keepFingerprints: true,
        stateful: { store: "hash", finals: true },
      });
      const what = `dfs ${dfs.schedules} schedules (${verdict(dfs)}), stateful ${st.schedules} (${verdict(st)})`;
      expect(dfs.exhausted, what).toBe(true);
      expect(st.exhausted, what).toBe(true);
      expect(verdict(st), what).toBe(verdict(dfs));
      expect(finals(st), what).toEqual(finals(dfs));
      expect(st.stateful!.statesMatched, what).toBeGreaterThan(0);
      // The world switch's register saves and restores were taken as local steps (local-steps.ts).
      expect(st.stateful!.localSteps, what).toBeGreaterThan(0);
      expect(st.stateful!.startedOver, what).toBe(0);
    },
    60_000,
  );

  it("names a vCPU thread's place between slices, and puts a saved one back", async () => {
    const scenario = tinyVmids("v5.0", 3);
    const t = await targetOf(scenario);
    const state = scenarioInitialState(scenario, t.allocator);
    const system = kernelSystem(scenario, state, t.allocator);
    const at = system.quiescent!(0);
    expect(at).toMatch(/\|vm1\.vcpu0:vm1\.vcpu0@0x1;/);
    const saved = system.saveQuiescent!(0);
    const engine = new Engine(
      { ...engineOptions(scenario), describeChoices: false },
      state,
      new FifoChooser(),
      machineInvariants,
    );
    engine.start(system);
    let out = null;
    while (!out) out = engine.steps(1000);
    expect(out.reason).toBe("done");
    // Every thread on core 0 ran to its end and was put.
    expect(system.quiescent!(0)).toMatch(/\|vm1\.vcpu0:done\|vm3\.vcpu0:done$/);
    system.restoreQuiescent!(0, saved);
    expect(system.quiescent!(0)).toBe(at);
  });

  it("takes only register writes no other core observes as local steps, with interrupts masked", () => {
    const masked = (regs: Partial<Registers> = {}, tlbiAcksOutstanding = 0) => ({
      regs: { ...initialRegisters("k"), irqOn: false, ...regs },
      tlbiAcksOutstanding,
    });
    const local = (op: Op, core = masked(), spec = false) => isLocalStep(op, core, spec);
    expect(local({ k: "reg", regs: { cntvCval: 5 } })).toBe(true);
    expect(local({ k: "reg", regs: { ttbr1: "t" } })).toBe(true);
    // The walker reads TTBR1 beside the core's own steps when walks are speculative.
    expect(local({ k: "reg", regs: { ttbr1: "t" } }, masked(), true)).toBe(false);
    // Invariants compare ASIDs, TTBR0, VMIDs and modes across cores outside Hyp mode.
    for (const r of [{ asid: 1 }, { ttbr0: "t" }, { vmid: 1 }, { mode: "HYP" as const }, { stage2: true }])
      expect(local({ k: "reg", regs: r }), JSON.stringify(r)).toBe(false);
    // In Hyp mode (a world switch) they skip the core; a change of mode is seen.
    const hyp = masked({ mode: "HYP" });
    for (const r of [{ asid: 1 }, { ttbr0: "t" }, { vmid: 1, vttbr: "vm1.s2" }, { stage2: true }])
      expect(local({ k: "reg", regs: r }, hyp), JSON.stringify(r)).toBe(true);
    expect(local({ k: "reg", regs: { mode: "SVC" } }, hyp)).toBe(false);
    expect(local({ k: "reg", regs: { vmid: 1 } }, hyp, true)).toBe(false);
    // Unmasking: no IPI can be taken before it. Masking: one could be taken first.
    expect(local({ k: "reg", regs: { irqOn: true } })).toBe(true);
    expect(local({ k: "reg", regs: { irqOn: false } }, { ...masked(), regs: { ...masked().regs, irqOn: true } })).toBe(false);
    // An IPI taken on the core would see the registers before or after the write.
    expect(local({ k: "reg", regs: { cntvCval: 5 } }, masked({ irqOn: true }))).toBe(false);
    expect(local({ k: "isb" }, masked({ irqOn: true }))).toBe(true);
    // A DSB is a no-op only when none of the core's broadcast TLBIs is outstanding.
    expect(local({ k: "dsb" })).toBe(true);
    expect(local({ k: "dsb" }, masked({}, 1))).toBe(false);
    expect(local({ k: "dsb" }, masked({ irqOn: true }))).toBe(false);
    expect(local({ k: "read", name: "x" })).toBe(false);
  });
});
