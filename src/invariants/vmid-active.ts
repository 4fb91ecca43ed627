/**
 * VMID invariants over the guests running on the cores, after Catalin Marinas's TLA+ model of the
 * VMID allocator (cmarinas/kernel-tla, vmidalloc.tla): two different VMs in guests at once never share
 * a VMID of one generation, and every vCPU of one VM runs under one VMID.
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

/**
 * The VMID a core's hardware runs a guest under (VTTBR.VMID), or -1 when it is not running one outside
 * the world switch: in Hyp mode the switch is in progress and VTTBR may hold either world's value.
 */
function runningVmid(s: MachineState, c: number): number {
  const core = s.cores[c]!;
  const h = s.hyp!.cores[c]!;
  return h.inGuest && core.regs.stage2 && core.regs.mode !== "HYP" ? core.regs.vmid : -1;
}

/**
 * As SameASIDActiveTask for ASIDs (vmidalloc.tla): every core running a vCPU of one VM, outside the world
 * switch, runs it under the same hardware VMID, whatever generation each entered under. Checked at every
 * entry and every register write (VTTBR is written by the world switch).
 */
export const sameVmidVcpus: Invariant = {
  name: "same-vmid-vcpus",
  on: ["hyp.enter", "reg.write"],
  // The (VM, VMID) every core runs. As same-asid-threads (src/invariants/asid-active.ts), the registers it
  // also compares (VTTBR.VMID, stage 2, mode) are not declared to DPOR: a known gap, in the README.
  reads: (ev, t) => {
    if (ev.type === "hyp.enter") t.read("guests");
  },
  check(s: MachineState, ev: SimEvent): string | null {
    if (!s.hyp || !changesRunningVmid(ev)) return null;
    const cores = s.hyp.cores;
    for (let a = 0; a < cores.length; a++) {
      const va = runningVmid(s, a);
      if (va < 0) continue;
      for (let b = a + 1; b < cores.length; b++) {
        const vb = runningVmid(s, b);
        if (vb < 0 || cores[b]!.vm !== cores[a]!.vm || vb === va) continue;
        const [oa, ob] = [cores[a]!, cores[b]!];
        return (
          `the vCPUs of ${oa.vm} run under two VMIDs: ${oa.gen}:${va} on core ${a} (vCPU ${oa.vcpu}) and ` +
          `${ob.gen}:${vb} on core ${b} (vCPU ${ob.vcpu}); the other VMID may be given to another VM`
        );
      }
    }
    return null;
  },
};

/** A guest entry, or a write of VTTBR's VMID, stage 2 or the mode. */
function changesRunningVmid(ev: SimEvent): boolean {
  if (ev.type === "hyp.enter") return true;
  return ev.type === "reg.write" && (ev.regs.vmid !== undefined || ev.regs.stage2 !== undefined || ev.regs.mode !== undefined);
}
