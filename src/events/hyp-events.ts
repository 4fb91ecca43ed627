import type { Mode } from "../../cores/registers.js";
import type { SavedRegs } from "../../cores/registers.js";
import type { EventBase } from "./base.js";

/** kvm_arch_vcpu_load / kvm_arch_vcpu_put: the vCPU thread starts or stops running on this core. */
export interface VcpuLoadEvent extends EventBase {
  type: "vcpu.load" | "vcpu.put";
  vcpu: string;
}

/**
 * A world switch stores registers to memory: the host's on entry (`into` "host"), the guest's on exit
 * (`into` the vCPU). Restoring is a `reg.write` of the saved values.
 */
export interface HypSaveEvent extends EventBase {
  type: "hyp.save";
  into: string;
  regs: SavedRegs;
}

/** The core enters the guest of `vm` (eret to the guest; the VMID and generation it runs under). */
export interface HypEnterEvent extends EventBase {
  type: "hyp.enter";
  vcpu: string;
  vm: string;
  vmid: number;
  gen: number;
  /** The guest's mode the eret returns to; interrupts are unmasked in the guest. */
  mode: Mode;
}

/** The core left the guest: a trap (hvc, MMIO, cp15 access) or an interrupt. */
export interface HypExitEvent extends EventBase {
  type: "hyp.exit";
  vcpu: string;
  reason: "hvc" | "irq" | "cp15" | "yield";
  /** The mode the exception enters (HYP with the virtualisation extensions, SVC on ARMv6); interrupts
   *  are masked by the exception entry. */
  mode: Mode;
}

/** The VMID allocator gave `vm` this VMID in this generation (update_vttbr / kvm_arm_vmid_update). */
export interface VmidAssignEvent extends EventBase {
  type: "vmid.assign";
  vm: string;
  vmid: number;
  gen: number;
}

/** The VMID space ran out: a new generation starts on this core. */
export interface VmidRolloverEvent extends EventBase {
  type: "vmid.rollover";
  gen: number;
}

export type HypEvent = VcpuLoadEvent | HypSaveEvent | HypEnterEvent | HypExitEvent | VmidAssignEvent | VmidRolloverEvent;
