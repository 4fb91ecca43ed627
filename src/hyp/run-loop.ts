/**
 * A vCPU thread: the host task that runs one vCPU of a VM (kvm_arch_vcpu_ioctl_run in a loop). Its
 * script is guest code. Each guest operation runs in the guest, entering it first when the core is
 * out (at the start, after a trap, or after an interrupt took it out); traps (`hvc`, and on ARMv6 the
 * guest's own TTBR0 writes) leave the guest and the host handles them; `yield` puts the vCPU and gives
 * the core back to the host scheduler, which may resume the thread on another core.
 *
 * Between time slices the thread is plain data (where it is in its script, whether an interrupt waits
 * to be injected), as a task's script position is (src/kernel/workload.ts): each slice is a new step
 * program that runs from there, so at its scheduler's loop head a core's programs can be compared
 * across executions and rebuilt from a copy (stateful search, src/explore/program-trace.ts).
 */
import type { Op } from "../engine/ops.js";
import {
  SLICE_EXIT,
  SLICE_YIELD,
  copyPosition,
  encodePosition,
  enterRepeat,
  nextScriptOp,
  scriptStart,
  type ScriptPosition,
} from "../kernel/workload.js";
import type { GuestTaskSpec, Scenario } from "../scenario/types.js";
import { inGuest, vmSpec, type HypCtx } from "./context.js";
import { switchSequence } from "../kernel/switch-sequence.js";
import type { ExitReason, WorldSwitchModel } from "./world-switch.js";

type Step<T = void> = Generator<Op, T, number>;

/**
 * A vCPU thread's state. The steps below are module-level generators that take it, not closures made
 * per thread: a new generator closure costs a prototype and a map in old space on its first call, and
 * keeps its run alive across scavenges (see run/system.ts).
 */
export interface VcpuThread {
  readonly h: HypCtx;
  readonly model: WorldSwitchModel;
  readonly vcpu: string;
  readonly vm: ReturnType<typeof vmSpec>;
  /** Where the thread is in its script (the next slice starts there). */
  at: ScriptPosition;
  /** An interrupt to inject at the next entry. */
  inject: boolean;
  /** Its script is over and the vCPU put: no slice runs again. */
  done: boolean;
}

/** The JS-side part of a thread between slices, as a copy (System.saveQuiescent). */
export interface VcpuPosition {
  at: ScriptPosition;
  inject: boolean;
  done: boolean;
}

export function vcpuThread(h: HypCtx, model: WorldSwitchModel, vcpu: string): VcpuThread {
  const spec = h.k.scenario.tasks.find((t) => t.id === vcpu)!;
  return {
    h,
    model,
    vcpu,
    vm: vmSpec(h, spec.vcpu!),
    at: scriptStart(h.k, vcpu),
    inject: false,
    done: false,
  };
}

export const savePosition = (t: VcpuThread): VcpuPosition => ({ at: copyPosition(t.at), inject: t.inject, done: t.done });

export function restorePosition(t: VcpuThread, p: VcpuPosition): void {
  t.at = copyPosition(p.at);
  t.inject = p.inject;
  t.done = p.done;
}

/** The thread's position as text that names the same place in every execution, or null (see encodePosition). */
export function encodeThread(t: VcpuThread, scenario: Scenario): string | null {
  if (t.done) return "done";
  const at = encodePosition(t.at, scenario);
  return at === null ? null : `${at}${t.inject ? "!" : ""}`;
}

const cpuOf = (t: VcpuThread): number => t.h.k.state.tasks[t.vcpu]!.on;

function* enter(t: VcpuThread): Step {
  yield* t.model.enter(t.h, cpuOf(t), t.vcpu, t.inject);
  t.inject = false;
}

/** One guest operation, retried after re-entry when an interrupt took the core out first. */
function* guest(t: VcpuThread, op: Op): Step<number> {
  for (;;) {
    if (!inGuest(t.h, cpuOf(t), t.vcpu)) yield* enter(t);
    const r = yield { k: "in-guest", vcpu: t.vcpu, op };
    if (r !== -1) return r;
  }
}

/** A trap the guest takes on purpose: it must be in the guest to execute the trapping instruction. */
function* trap(t: VcpuThread, reason: ExitReason): Step {
  for (;;) {
    if (!inGuest(t.h, cpuOf(t), t.vcpu)) yield* enter(t);
    if (yield* t.model.exit(t.h, cpuOf(t), t.vcpu, reason)) break;
  }
  yield { k: "reg", regs: { irqOn: true } };
}

function* leave(t: VcpuThread, reason: ExitReason): Step {
  if (inGuest(t.h, cpuOf(t), t.vcpu) && (yield* t.model.exit(t.h, cpuOf(t), t.vcpu, reason)))
    yield { k: "reg", regs: { irqOn: true } };
}

function* put(t: VcpuThread): Step {
  yield* leave(t, "yield");
  yield* t.h.vmids.put(t.h, cpuOf(t));
  yield { k: "note", ev: { type: "vcpu.put", vcpu: t.vcpu } };
}

function* guestSwitch(t: VcpuThread, g: GuestTaskSpec): Step {
  if (t.model.guestMmuTraps) {
    // ARMv6: the guest's MCR to TTBR0/CONTEXTIDR is undefined in USR mode; the host emulates it by
    // recording the guest's new table, and the next entry loads that table's shadow.
    yield* trap(t, "cp15");
    yield { k: "note", ev: { type: "hyp.save", into: t.vcpu, regs: { ttbr0: g.table, asid: g.asid } } };
    return;
  }
  // The guest kernel's own switch_mm (a v7 kernel: the reserved-ASID sequence), in the guest.
  const seq = switchSequence("reserved-asid", g.table, g.asid);
  for (let r = seq.next(0); !r.done;) r = seq.next(yield* guest(t, r.value));
}

/**
 * One time slice: kvm_arch_vcpu_load, then guest code from where the thread stopped until it yields the
 * core (kvm_arch_vcpu_put first) or its script ends (put, and the thread exits).
 */
export function* vcpuSlice(t: VcpuThread): Generator<Op, number, number> {
  if (t.done) return SLICE_EXIT;
  yield { k: "note", ev: { type: "vcpu.load", vcpu: t.vcpu } };
  for (let op = nextScriptOp(t.at); op !== null; op = nextScriptOp(t.at)) {
    switch (op.op) {
      case "read":
      case "write":
        yield* guest(t, { k: "access", va: op.va, write: op.op === "write" });
        break;
      case "guest-switch":
        yield* guestSwitch(
          t,
          t.vm.guestTasks.find((g) => g.id === op.task)!,
        );
        break;
      case "hvc":
        yield* trap(t, "hvc");
        // The host's handler (MMIO emulation, a hypercall) touches host kernel data.
        for (const va of op.host) yield { k: "access", va, write: false };
        break;
      case "inject-irq":
        // A device interrupt for the guest: the host takes it and injects it at the next entry.
        t.inject = true;
        yield* leave(t, "irq");
        break;
      case "yield":
        yield* put(t);
        return SLICE_YIELD;
      case "repeat":
        enterRepeat(t.at, op);
        break;
      case "exit":
        t.at.frames.length = 0;
        break;
      case "map":
      case "unmap":
        throw new Error(`unreachable: the scenario format rejects ${op.op} in a vCPU's script`);
    }
  }
  yield* put(t);
  t.done = true;
  return SLICE_EXIT;
}
