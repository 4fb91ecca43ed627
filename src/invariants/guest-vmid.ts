/**
 * No guest runs under the host's VMID. VMID 0 is the host's (KVM never hands it out: kvm_next_vmid starts
 * at 1, arch/arm/kvm/arm.c v3.9; VMID_FIRST_VERSION / reserved VMID 0 in arch/arm64/kvm/vmid.c), and the
 * host's own stage-1 entries are tagged with it. A core in a guest with stage 2 on and VTTBR.VMID = 0
 * fills and hits entries under the host's tag: the guest uses the host's translations and the host the
 * guest's. This happens when a vCPU enters with a VMID its VM was never given (read before the allocator
 * published it).
 */
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import type { Invariant } from "./invariant.js";

export const noGuestUnderHostVmid: Invariant = {
  name: "no-guest-under-host-vmid",
  on: ["hyp.enter", "reg.write"],
  // The event's own core: its registers and what it runs (`guest:C`, written by its entries and exits).
  reads: (ev, t) => {
    t.read(`regs:${ev.core}`);
    t.read(`guest:${ev.core}`);
  },
  check(s: MachineState, ev: SimEvent): string | null {
    if (!s.hyp) return null;
    const core = s.cores[ev.core];
    const h = s.hyp.cores[ev.core];
    if (!core || !h || !h.inGuest || !core.regs.stage2 || core.regs.mode === "HYP" || core.regs.vmid !== 0) return null;
    return (
      `core ${ev.core} runs the guest of ${h.vm} (vCPU ${h.vcpu}) with stage 2 on under VMID 0, the host's: ` +
      `KVM never gives VMID 0 to a VM, so the VTTBR it entered with was never published for it, and the ` +
      `guest's TLB entries are tagged like the host's (each can hit the other's)`
    );
  },
};
