/**
 * Assembles the hypervisor on top of the host kernel: the world-switch model and VMID allocator the
 * scenario names, a program for each vCPU thread, and the interrupt path that leaves the guest before
 * any host IPI handler runs (an IRQ taken in a guest traps to the hypervisor first).
 */
import type { Op, Program } from "../engine/ops.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import type { IpiHandler, KernelCtx } from "../kernel/context.js";
import type { HypConfig } from "../scenario/types.js";
import { WORLD_SWITCH_SEQUENCE } from "./armv6-kvm.js";
import { switchSequence } from "../kernel/switch-sequence.js";
import { coreHyp, type HypCtx } from "./context.js";
import {
  encodeThread,
  restorePosition,
  savePosition,
  vcpuSlice,
  vcpuThread,
  type VcpuPosition,
  type VcpuThread,
} from "./run-loop.js";
import { vmidAllocatorOf, worldSwitchOf, type HypModules } from "./modules.js";
import type { WorldSwitchModel } from "./world-switch.js";

export interface Hypervisor {
  /** The next time slice of a vCPU thread (from where its last one stopped). */
  vcpuSlice(task: string): Generator<Op, number, number>;
  /** A vCPU thread's position between slices as text naming the same place in every execution, or null. */
  encodeVcpu(task: string): string | null;
  saveVcpu(task: string): VcpuPosition;
  restoreVcpu(task: string, p: VcpuPosition): void;
  /** Wraps a host IPI handler: leave the guest first when the core is in one. */
  onIpi(cpu: number, handler: Program): Program;
  readonly ipiHandlers: Readonly<Record<string, IpiHandler>>;
}

/** An IRQ taken in a guest traps to the hypervisor, which leaves the guest; then the host handler runs. */
function* exitThenHandle(h: HypCtx, model: WorldSwitchModel, cpu: number, handler: Program): Program {
  const c = coreHyp(h, cpu);
  if (c.inGuest) yield* model.exit(h, cpu, c.vcpu, "irq");
  yield* handler;
}

/** The world switch loads TTBR0 and CONTEXTIDR itself (armv6-kvm.ts says in which order). */
function worldSwitchTo(this: KernelCtx, cpu: number, mm: string, asid: number): Program {
  this.percpu[cpu]!.reservedTtbr0 = false;
  return switchSequence(WORLD_SWITCH_SEQUENCE, mm, asid);
}

// Module-level generators only (see run/system.ts: a generator closure per run keeps the run alive
// across scavenges).
export function hypervisor(k: KernelCtx, hyp: HypConfig, asids: AsidAllocator, mods?: HypModules): Hypervisor {
  const vmids = vmidAllocatorOf(hyp, mods);
  const switchK: KernelCtx = Object.create(k, { switchTo: { value: worldSwitchTo } }) as KernelCtx;
  const h: HypCtx = { k, hyp, asids, vmids, switchK };
  const model = worldSwitchOf(hyp, mods);
  const threads = new Map<string, VcpuThread>();
  const threadOf = (task: string): VcpuThread => {
    let t = threads.get(task);
    if (!t) threads.set(task, (t = vcpuThread(h, model, task)));
    return t;
  };
  return {
    vcpuSlice(task) {
      return vcpuSlice(threadOf(task));
    },
    encodeVcpu(task) {
      return encodeThread(threadOf(task), k.scenario);
    },
    saveVcpu(task) {
      return savePosition(threadOf(task));
    },
    restoreVcpu(task, p) {
      restorePosition(threadOf(task), p);
    },
    onIpi(cpu, handler) {
      return exitThenHandle(h, model, cpu, handler);
    },
    ipiHandlers: model.usesVmids ? vmids.ipiHandlers : {},
  };
}

/** The VMID allocator's shared variables at boot (none for armv6-kvm, which has no VMIDs). */
export function hypInitialVars(hyp: HypConfig | null, cores: number, mods?: HypModules): Record<string, number> {
  if (!hyp || !worldSwitchOf(hyp, mods).usesVmids) return {};
  return vmidAllocatorOf(hyp, mods).initialVars(
    hyp.vms.map((v) => v.id),
    cores,
    hyp.vmidBits,
  );
}
