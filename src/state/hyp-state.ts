/**
 * The hypervisor's part of the machine state: per core, the loaded vCPU and whether it is in the guest
 * (with the VMID and generation it entered under and the host context saved on entry); per vCPU, the
 * guest's EL1 registers saved at its last exit (kvm_vcpu_arch / kvm_cpu_context). Changed only by the
 * `vcpu.*`, `hyp.*` events, so a log replays it like everything else.
 */
import type { SavedRegs } from "../../cores/registers.js";

export interface CoreHyp {
  /** The vCPU loaded on this core (kvm_arch_vcpu_load), or "". */
  vcpu: string;
  inGuest: boolean;
  /** While in the guest: the VM, and the VMID and VMID generation it entered under. */
  vm: string;
  vmid: number;
  gen: number;
  /** The host's registers saved on entry, restored on exit. */
  host: SavedRegs | null;
}

export interface VcpuState {
  vm: string;
  /** Core it is loaded on, or -1. */
  loadedOn: number;
  /** The guest's registers, as last saved (or as the guest booted). */
  regs: SavedRegs;
}

export interface HypState {
  cores: CoreHyp[];
  vcpus: Record<string, VcpuState>;
  /** Table id → the VM whose translations it holds (guest, stage-2 and shadow tables). */
  owner: Record<string, string>;
  /** armv6-kvm: the page mapped in both worlds. */
  sharedPage?: number;
}
