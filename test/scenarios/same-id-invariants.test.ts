/**
 * same-asid-threads and same-vmid-vcpus as kernel-tla states them (SameASIDActiveTask): every core
 * running a thread of one mm (a vCPU of one VM) outside its switch uses the same hardware ASID (VMID),
 * whatever generation it believes it is in.
 */
import { describe, expect, it } from "vitest";
import { builtinScenarios } from "../../scenarios/index.js";
import { sameVmidVcpus } from "../../src/invariants/vmid-active.js";
import { scenarioInitialState } from "../../src/run/simulate.js";
import type { SimEvent } from "../../src/events/index.js";
import { allocatorOf, builtin, runWith } from "../support/sim.js";

describe("the SameASIDActiveTask invariants", () => {
  it.each(builtinScenarios.filter((s) => s.expect === "clean").map((s) => s.id))(
    "flag nothing in the clean built-in %s",
    (id) => {
      const sc = builtin(id);
      for (const seed of [1, 2, 3]) {
        const r = runWith(sc, { seed });
        expect(r.outcome.violation?.invariant ?? null, `${id} seed ${seed}`).toBeNull();
      }
    },
  );

  it("flag two running vCPUs of one VM under different hardware VMIDs at a register write, not only at an entry", () => {
    const sc = builtin("a15-vmid-small");
    const s = scenarioInitialState(sc, allocatorOf(sc));
    for (const [c, vmid] of [
      [0, 1],
      [1, 2],
    ] as const) {
      Object.assign(s.hyp!.cores[c]!, { vcpu: `vm1.vcpu${c}`, inGuest: true, vm: "vm1", vmid: 1, gen: 1 });
      Object.assign(s.cores[c]!.regs, { mode: "SVC", stage2: true, vmid, vttbr: "vm1.s2" });
    }
    const write = { seq: 0, t: 0, core: 1, type: "reg.write", regs: { vmid: 2 } } as unknown as SimEvent;
    expect(sameVmidVcpus.check(s, write)).toMatch(/the vCPUs of vm1 run under two VMIDs: 1:1 on core 0 .* and 1:2 on core 1/);
    // In Hyp mode (inside the world switch) a core is not compared.
    s.cores[1]!.regs.mode = "HYP";
    expect(sameVmidVcpus.check(s, write)).toBeNull();
  });
});
