/**
 * The interface of a VMID allocator (the a15-hyp run loop calls it; armv6-kvm has no VMIDs). Each part
 * is a step program, so its shared-variable accesses interleave with other cores like the ASID
 * allocators' (src/kernel/asid/).
 */
import type { Op } from "../../engine/ops.js";
import type { IpiHandler } from "../../kernel/context.js";
import type { HypCtx } from "../context.js";

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

/** force_vm_exit's IPI: the handler itself does nothing (exit_vm_noop); taking it leaves the guest. */
export const EXIT_VM = "kvm-exit-vm";
