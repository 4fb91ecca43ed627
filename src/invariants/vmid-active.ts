/**
 * VMID invariants over the guests running on the cores, after Catalin Marinas's TLA+ model of the
 * VMID allocator (cmarinas/kernel-tla, vmidalloc.tla): two different VMs in guests at once never share
 * a VMID of one generation, and every vCPU of one VM runs under one VMID. Checked at each entry, the
 * only moment a core's (VM, VMID) changes.
 */
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import type { Invariant } from "./invariant.js";

export const uniqueVmidActive: Invariant = {
  name: "unique-vmid-active",
  on: ["hyp.enter"],
  // The (VM, VMID) every core runs.
  reads: (_ev, t) => t.read("guests"),
  check(s: MachineState, ev: SimEvent): string | null {
    if (ev.type !== "hyp.enter" || !s.hyp || ev.vmid === 0) return null;
    for (const [c, o] of s.hyp.cores.entries()) {
      if (c === ev.core || !o.inGuest || o.vm === ev.vm || o.vmid !== ev.vmid || o.gen !== ev.gen) continue;
      return (
        `core ${ev.core} entered ${ev.vm} under VMID ${ev.gen}:${ev.vmid} (generation:VMID) while core ${c} runs ` +
        `${o.vm} under the same VMID of the same generation: the two VMs' TLB entries are indistinguishable`
      );
    }
    return null;
  },
};

export const sameVmidVcpus: Invariant = {
  name: "same-vmid-vcpus",
  on: ["hyp.enter"],
  // The (VM, VMID) every core runs.
  reads: (_ev, t) => t.read("guests"),
  check(s: MachineState, ev: SimEvent): string | null {
    if (ev.type !== "hyp.enter" || !s.hyp || ev.vmid === 0) return null;
    for (const [c, o] of s.hyp.cores.entries()) {
      if (c === ev.core || !o.inGuest || o.vm !== ev.vm || o.vmid === ev.vmid) continue;
      return (
        `the vCPUs of ${ev.vm} run under two VMIDs: ${ev.gen}:${ev.vmid} on core ${ev.core} (vCPU ${ev.vcpu}) and ` +
        `${o.gen}:${o.vmid} on core ${c} (vCPU ${o.vcpu}); the other VMID may be given to another VM`
      );
    }
    return null;
  },
};
