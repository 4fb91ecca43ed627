/**
 * A world switch model: how the hypervisor enters a vCPU's guest and leaves it. Both are step programs
 * run on the core of the vCPU thread; `exit` is also run by the interrupt path when an IPI arrives
 * while the core is in a guest (the interrupt traps to the hypervisor first).
 */
import type { Mode } from "../../cores/registers.js";
import type { Op } from "../engine/ops.js";
import type { HypEvent } from "../events/hyp-events.js";
import type { HypCtx } from "./context.js";

export type ExitReason = Extract<HypEvent, { type: "hyp.exit" }>["reason"];

export interface WorldSwitchModel {
  /** From the run loop in the host (interrupts on) into the guest; `inject` a pending virtual IRQ. */
  enter(h: HypCtx, cpu: number, vcpu: string, inject: boolean): Generator<Op, void, number>;
  /** Out of the guest. Yields false, doing nothing, when an interrupt has already taken the core out. */
  exit(h: HypCtx, cpu: number, vcpu: string, reason: ExitReason): Generator<Op, boolean, number>;
  /** Whether the guest's own TTBR0/CONTEXTIDR writes trap to the hypervisor (ARMv6: the guest runs in
   *  USR mode, so its cp15 writes are undefined instructions the host emulates). */
  readonly guestMmuTraps: boolean;
  /** Whether it loads VMIDs (stage 2): the VMID allocator's variables and IPI handlers exist only then. */
  readonly usesVmids: boolean;
}

/** The first operation of an exit: only if the core is still in the guest (see the `in-guest` op). */
export function* exitEvent(vcpu: string, reason: ExitReason, mode: Mode): Generator<Op, boolean, number> {
  return (yield { k: "in-guest", vcpu, op: { k: "note", ev: { type: "hyp.exit", vcpu, reason, mode } } }) !== -1;
}
