/**
 * The hypervisor's part of the machine state: per core, the loaded vCPU and whether it is in the guest
 * (with the VMID and generation it entered under and the host context saved on entry); per vCPU, the
 * guest's EL1 registers saved at its last exit (kvm_vcpu_arch / kvm_cpu_context). Changed only by the
 * `vcpu.*`, `hyp.*` events, so a log replays it like everything else.
 */
import type { Registers } from "../../cores/registers.js";
import type { Scenario } from "../scenario/types.js";
import { shadowOf } from "../scenario/shadow.js";

/** Registers as saved in memory by a world switch: only the ones it names. */
export type SavedRegs = Partial<Registers>;

/** The named registers' current values, as a world switch stores them. */
export function saveRegs(regs: Registers, names: readonly (keyof Registers)[]): SavedRegs {
  const out: Record<string, unknown> = {};
  for (const n of names) out[n] = regs[n];
  return out as SavedRegs;
}

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

const idleCore = (): CoreHyp => ({ vcpu: "", inGuest: false, vm: "", vmid: 0, gen: 0, host: null });

/** Each VM's virtual counter offset (kvm->arch.timer.cntvoff): distinct, so a wrong restore shows. */
export const cntvoffOf = (vmIndex: number): number => 0x100000 * (vmIndex + 1);

export function initialHypState(scenario: Scenario): HypState | undefined {
  const hyp = scenario.hyp;
  if (!hyp) return undefined;
  const owner: Record<string, string> = {};
  for (const vm of hyp.vms) {
    for (const t of [vm.stage2, vm.kernelTable, ...vm.guestTasks.map((g) => g.table)]) owner[t] = vm.id;
    if (hyp.worldSwitch === "armv6-kvm") for (const g of vm.guestTasks) owner[shadowOf(g.table)] = vm.id;
  }
  const vcpus: Record<string, VcpuState> = {};
  let n = 0;
  for (const t of scenario.tasks) {
    if (t.vcpu === undefined) continue;
    const vmIndex = hyp.vms.findIndex((v) => v.id === t.vcpu);
    const vm = hyp.vms[vmIndex]!;
    const first = vm.guestTasks[0]!;
    // The guest booted: its kernel runs its first task, the virtual timer armed.
    vcpus[t.id] = {
      vm: vm.id,
      loadedOn: -1,
      regs: {
        mode: "SVC",
        ttbr0: first.table,
        ttbr1: vm.kernelTable,
        ttbcrSplit: true,
        asid: first.asid,
        vectorsHigh: true,
        cntvCtl: 1,
        cntvCval: 0x8000 + 0x100 * n++,
        cntvoff: cntvoffOf(vmIndex),
      },
    };
  }
  const cores = Array.from({ length: scenario.machine.cores }, idleCore);
  return hyp.worldSwitch === "armv6-kvm" ? { cores, vcpus, owner, sharedPage: hyp.sharedPage } : { cores, vcpus, owner };
}
