/** What hypervisor step programs see: the host kernel, the hypervisor's configuration and allocators. */
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import type { IpiHandler, KernelCtx } from "../kernel/context.js";
import type { Op } from "../engine/ops.js";
import type { HypConfig, VmSpec } from "../scenario/types.js";
import type { CoreHyp, VcpuState } from "../state/hyp-state.js";

export interface HypCtx {
  /** The host kernel the hypervisor is part of (KVM is a module of the host Linux). */
  readonly k: KernelCtx;
  readonly hyp: HypConfig;
  /** The host's ASID allocator: armv6-kvm gives each shadow table a host ASID through it. */
  readonly asids: AsidAllocator;
  /**
   * The host kernel as armv6-kvm's world switch calls the allocator: its own register sequence
   * (WORLD_SWITCH_SEQUENCE in armv6-kvm.ts) instead of the host's switch_mm order.
   */
  readonly switchK: KernelCtx;
  readonly vmids: VmidAllocator;
}

export const coreHyp = (h: HypCtx, cpu: number): CoreHyp => h.k.state.hyp!.cores[cpu]!;
export const vcpuOf = (h: HypCtx, vcpu: string): VcpuState => h.k.state.hyp!.vcpus[vcpu]!;
export const vmSpec = (h: HypCtx, vm: string): VmSpec => h.hyp.vms.find((v) => v.id === vm)!;
/** Whether `cpu` is running `vcpu`'s guest right now. */
export const inGuest = (h: HypCtx, cpu: number, vcpu: string): boolean => {
  const c = coreHyp(h, cpu);
  return c.inGuest && c.vcpu === vcpu;
};

/**
 * The interface of a VMID allocator (the a15-hyp run loop calls it; armv6-kvm has no VMIDs). Each part
 * is a step program, so its shared-variable accesses interleave with other cores like the ASID
 * allocators' (src/kernel/asid/). Implementations: src/hyp/vmid/.
 */
export type Step<T> = Generator<Op, T, number>;

export interface VmidAllocator {
  readonly name: string;
  /** Where its behaviour comes from (a kernel file and version). */
  readonly source: string;
  /** Shared variables at boot: generation, counters or bitmap, per-CPU slots, each VM's VMID. */
  initialVars(vms: readonly string[], cores: number, vmidBits: number): Record<string, number>;
  /** Before entry, interrupts on: make sure the VM has a VMID of the current generation. */
  update(h: HypCtx, cpu: number, vm: string): Step<void>;
  /**
   * With interrupts off, just before the world switch: the VM's VMID generation if the vCPU may enter,
   * or -1 when it must go round the run loop again (3.9's need_new_vmid_gen re-check).
   */
  recheck(h: HypCtx, cpu: number, vm: string): Step<number>;
  /** The VMID the world switch loads into VTTBR (read from what update published). */
  vttbrVmid(h: HypCtx, cpu: number, vm: string): Step<number>;
  /** kvm_arch_vcpu_put: the vCPU stops running on `cpu`. */
  put(h: HypCtx, cpu: number): Step<void>;
  readonly ipiHandlers: Readonly<Record<string, IpiHandler>>;
}
