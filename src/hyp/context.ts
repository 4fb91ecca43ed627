/** What hypervisor step programs see: the host kernel, the hypervisor's configuration and allocators. */
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import type { KernelCtx } from "../kernel/context.js";
import type { HypConfig, VmSpec } from "../scenario/types.js";
import type { CoreHyp, VcpuState } from "./hyp-state.js";
import type { VmidAllocator } from "./vmid/allocator.js";

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
