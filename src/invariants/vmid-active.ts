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
 * The first core running the same VM as core `x` under another hardware VMID, both outside the world
 * switch, or -1. Only pairs with `x` are compared: a pair starts to differ at an entry or a register
 * write of one of its two cores, whose check sees it. `read` is told what is looked at (`guest:C`: the
 * VM core C runs, written by its entries and exits; `running:C` its VTTBR, stage 2 and mode), so DPOR's
 * dependence is what the check depended on: another core's registers only when it runs the same VM.
 */
function otherVmidOfSameVm(s: MachineState, x: number, read: (name: string) => void): number {
  const cores = s.hyp!.cores;
  read(`guest:${x}`);
  read(`running:${x}`);
  const vx = runningVmid(s, x);
  if (vx < 0) return -1;
  for (let b = 0; b < cores.length; b++) {
    if (b === x) continue;
    read(`guest:${b}`);
    if (!cores[b]!.inGuest || cores[b]!.vm !== cores[x]!.vm) continue;
    read(`running:${b}`);
    const vb = runningVmid(s, b);
    if (vb >= 0 && vb !== vx) return b;
  }
  return -1;
}

/**
 * As SameASIDActiveTask for ASIDs (vmidalloc.tla): every core running a vCPU of one VM, outside the world
 * switch, runs it under the same hardware VMID, whatever generation each entered under. Checked at every
 * entry and every register write (VTTBR is written by the world switch), against the core that changed.
 */
export const sameVmidVcpus: Invariant = {
  name: "same-vmid-vcpus",
  on: ["hyp.enter", "reg.write"],
  reads: (ev, t, s) => {
    if (s.hyp && changesRunningVmid(ev)) otherVmidOfSameVm(s, ev.core, (n) => t.read(n));
  },
  check(s: MachineState, ev: SimEvent): string | null {
    if (!s.hyp || !changesRunningVmid(ev)) return null;
    const b = otherVmidOfSameVm(s, ev.core, () => {});
    if (b < 0) return null;
    const [a, z] = ev.core < b ? [ev.core, b] : [b, ev.core];
    const [oa, oz] = [s.hyp.cores[a]!, s.hyp.cores[z]!];
    return (
      `the vCPUs of ${oa.vm} run under two VMIDs: ${oa.gen}:${runningVmid(s, a)} on core ${a} (vCPU ${oa.vcpu}) and ` +
      `${oz.gen}:${runningVmid(s, z)} on core ${z} (vCPU ${oz.vcpu}); the other VMID may be given to another VM`
    );
  },
};

/** A guest entry, or a write of VTTBR's VMID, stage 2 or the mode. */
function changesRunningVmid(ev: SimEvent): boolean {
  if (ev.type === "hyp.enter") return true;
  return ev.type === "reg.write" && (ev.regs.vmid !== undefined || ev.regs.stage2 !== undefined || ev.regs.mode !== undefined);
}
