/** No guest runs under VMID 0, the host's: KVM never gives it to a VM (kvm_next_vmid starts at 1). */
import { describe, expect, it } from "vitest";
import { machineInvariants } from "../../src/invariants/index.js";
import { scenarioInitialState } from "../../src/run/simulate.js";
import type { SimEvent } from "../../src/events/index.js";
import { allocatorOf, builtin } from "../support/sim.js";

const invariant = machineInvariants.find((i) => i.name === "no-guest-under-host-vmid");

describe("no-guest-under-host-vmid", () => {
  it("flags a core in a guest with stage 2 on and VTTBR.VMID 0, not one in Hyp mode or with stage 2 off", () => {
    expect(invariant).toBeDefined();
    const sc = builtin("a15-vmid-small");
    const s = scenarioInitialState(sc, allocatorOf(sc));
    Object.assign(s.hyp!.cores[1]!, { vcpu: "vm1.vcpu1", inGuest: true, vm: "vm1", vmid: 0, gen: 1 });
    Object.assign(s.cores[1]!.regs, { mode: "SVC", stage2: true, vmid: 0, vttbr: "vm1.s2" });
    const enter = {
      seq: 0,
      t: 0,
      core: 1,
      type: "hyp.enter",
      vcpu: "vm1.vcpu1",
      vm: "vm1",
      vmid: 0,
      gen: 1,
      mode: "SVC",
    } as unknown as SimEvent;
    expect(invariant!.check(s, enter)).toMatch(
      /core 1 runs the guest of vm1 \(vCPU vm1\.vcpu1\) with stage 2 on under VMID 0, the host's/,
    );
    s.cores[1]!.regs.mode = "HYP";
    expect(invariant!.check(s, enter)).toBeNull();
    s.cores[1]!.regs.mode = "SVC";
    s.cores[1]!.regs.vmid = 2;
    expect(invariant!.check(s, enter)).toBeNull();
  });
});
