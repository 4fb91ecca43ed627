/**
 * machine.memoryModel "armv8" on scenarios: the KVM VMID publish pair (fb544d1ca65a's barriers), the
 * store buffer's recorded choices replayed by schedule, and every built-in running under armv8.
 */
import { describe, expect, it } from "vitest";
import { builtinScenarios, loadScenario, readScenario } from "../../scenarios/index.js";
import type { Scenario } from "../../src/scenario/types.js";
import { ScheduleChooser } from "../../src/engine/chooser.js";
import { decodeSchedule } from "../../src/engine/schedule.js";
import { builtinIds, builtin, fifo, runWith } from "../support/sim.js";
import { run, targetOf } from "../explore/explore-helpers.js";

/** A built-in with fields changed, read as a file would be. */
function withSet(id: string, machine: Record<string, unknown>, hyp: Record<string, unknown> = {}): Scenario {
  const raw = builtinScenarios.find((s) => s.id === id)!.raw as { machine: object; hyp?: object };
  return readScenario(
    { ...raw, machine: { ...raw.machine, ...machine }, ...(raw.hyp ? { hyp: { ...raw.hyp, ...hyp } } : {}) },
    id,
  );
}

describe("kvm-3.9 v3.9's publish order under armv8 (a15-vmid-rollover-armv8)", () => {
  it("lets a vCPU see the new generation and then the VTTBR of before, though the new one is in memory", () => {
    const sc = loadScenario("a15-vmid-rollover-armv8").scenario;
    const r = runWith(sc, { chooser: new ScheduleChooser(decodeSchedule(sc.schedule.choices!), fifo(), true) });
    expect(r.outcome.violation?.invariant).toBe("no-guest-under-host-vmid");
    const reads = r.events.filter((e) => e.type === "var.read" && e.name === "vm1.arch.vttbr" && e.core === 3);
    // The world switch's read took the boot value while a newer write existed (MP+po+ctrlisb: allowed).
    expect(reads.at(-1)).toMatchObject({ value: 0, from: -1 });
    expect(reads.at(-1)).toHaveProperty("newest");
  });
});

describe("KVM's VMID publish order under armv8 (fb544d1ca65a)", () => {
  it("shows a vCPU entering under the host's VMID with the scenario's schedule when the barriers are missing", () => {
    const sc = loadScenario("a15-vmid-armv8-no-barriers").scenario;
    const r = runWith(sc, { chooser: new ScheduleChooser(decodeSchedule(sc.schedule.choices!), fifo(), true) });
    expect(r.outcome.violation?.invariant).toBe("no-guest-under-host-vmid");
    // The generation reached memory before kvm->arch.vttbr: a store-buffer choice did it.
    expect(r.events.some((e) => e.type === "choice" && e.kind === "store" && e.pick > 0)).toBe(true);
  });

  it("is found by bounded DPOR without the barriers", async () => {
    const res = run(await targetOf(builtin("a15-vmid-armv8-no-barriers")), "dpor", { budget: 5000, dporPreemptions: 2 });
    expect(res.found?.violation.invariant).toBe("no-guest-under-host-vmid");
  }, 120_000);

  it("is clean with smp_wmb/smp_rmb: bounded DPOR exhausts one preemption, random finds nothing", async () => {
    const t = await targetOf(builtin("a15-vmid-armv8-fb544d1ca65a"));
    const d = run(t, "dpor", { budget: 5000, dporPreemptions: 1 });
    expect(d.found).toBeNull();
    expect(d.exhausted).toBe(true);
    expect(run(t, "random", { budget: 300 }).found).toBeNull();
  }, 120_000);

  it("is clean under sc with or without the barriers (stores are seen in program order)", async () => {
    for (const barriers of [false, true]) {
      const t = await targetOf(withSet("a15-vmid-armv8-no-barriers", { memoryModel: "sc" }, { vmidBarriers: barriers }));
      expect(run(t, "random", { budget: 150 }).found).toBeNull();
    }
  }, 120_000);
});

describe("every built-in under armv8", () => {
  for (const id of builtinIds) {
    it(`runs ${id} to a verdict`, () => {
      const r = runWith(withSet(id, { memoryModel: "armv8" }));
      expect(["done", "violation"]).toContain(r.outcome.reason);
    }, 60_000);
  }
});

describe("page-table stores under armv8 (TLBI before the PTE store is complete)", () => {
  it("lets another core's walk refill the old PTE when the DSB before the TLBI is missing", async () => {
    const res = run(await targetOf(builtin("tlb-shootdown-munmap-no-dsb-armv8")), "dpor", { budget: 2000 });
    expect(res.found?.violation.invariant).toBe("translation-coherence");
  }, 60_000);

  it("is clean under sc without that DSB (DPOR exhausts it)", async () => {
    const res = run(await targetOf(withSet("tlb-shootdown-munmap-no-dsb-armv8", { memoryModel: "sc" })), "dpor", {
      budget: 5000,
    });
    expect(res.found).toBeNull();
    expect(res.exhausted).toBe(true);
  }, 60_000);

  it("is clean under armv8 with PTE store, DSB, TLBI IS, DSB (bounded DPOR exhausts two preemptions)", async () => {
    const res = run(await targetOf(builtin("tlb-shootdown-munmap-armv8")), "dpor", { budget: 5000, dporPreemptions: 2 });
    expect(res.found).toBeNull();
    expect(res.exhausted).toBe(true);
  }, 60_000);
});
