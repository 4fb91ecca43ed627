/**
 * A vCPU thread: the host task that runs one vCPU of a VM (kvm_arch_vcpu_ioctl_run in a loop). Its
 * script is guest code. Each guest operation runs in the guest, entering it first when the core is
 * out (at the start, after a trap, or after an interrupt took it out); traps (`hvc`, and on ARMv6 the
 * guest's own TTBR0 writes) leave the guest and the host handles them; `yield` puts the vCPU and gives
 * the core back to the host scheduler, which may resume the thread on another core.
 */
import { doesSomething } from "../kernel/repeat.js";
import type { Op } from "../engine/ops.js";
import { SLICE_EXIT, SLICE_YIELD } from "../kernel/workload.js";
import type { GuestTaskSpec, WorkloadOp } from "../scenario/types.js";
import { inGuest, vmSpec, type HypCtx } from "./context.js";
import { switchSequence } from "../kernel/switch-sequence.js";
import type { ExitReason, WorldSwitchModel } from "./world-switch.js";

/** What a vCPU thread yields: an operation, or `yield-cpu` to end its time slice. */
export type TaskStep = Op | { k: "yield-cpu" };
export type TaskProgram = Generator<TaskStep, void, number>;
type Step<T = void> = Generator<TaskStep, T, number>;

/**
 * One time slice of a vCPU thread: runs its (long-lived) program until it yields the core or ends.
 * Resuming after `yield-cpu` sends 0, which the program ignores.
 */
export function* vcpuSlice(p: TaskProgram): Generator<Op, number, number> {
  let result = 0;
  for (;;) {
    const r = p.next(result);
    if (r.done) return SLICE_EXIT;
    if (r.value.k === "yield-cpu") return SLICE_YIELD;
    result = yield r.value;
  }
}

/**
 * A vCPU thread's state. The steps below are module-level generators that take it, not closures made
 * per thread: a new generator closure costs a prototype and a map in old space on its first call, and
 * keeps its run alive across scavenges (see run/system.ts).
 */
interface VcpuThread {
  h: HypCtx;
  model: WorldSwitchModel;
  vcpu: string;
  vm: ReturnType<typeof vmSpec>;
  /** An interrupt to inject at the next entry. */
  inject: boolean;
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

function* run(t: VcpuThread, ops: readonly WorkloadOp[]): Step<boolean> {
  for (const op of ops) {
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
        yield { k: "yield-cpu" };
        yield { k: "note", ev: { type: "vcpu.load", vcpu: t.vcpu } };
        break;
      case "repeat":
        if (!doesSomething(op.body)) break;
        for (let i = 0; i < op.times; i++) if (!(yield* run(t, op.body))) return false;
        break;
      case "exit":
        return false;
      case "map":
      case "unmap":
        throw new Error(`unreachable: the scenario format rejects ${op.op} in a vCPU's script`);
    }
  }
  return true;
}

export function* vcpuRun(h: HypCtx, model: WorldSwitchModel, vcpu: string): TaskProgram {
  const spec = h.k.scenario.tasks.find((t) => t.id === vcpu)!;
  const t: VcpuThread = { h, model, vcpu, vm: vmSpec(h, spec.vcpu!), inject: false };
  yield { k: "note", ev: { type: "vcpu.load", vcpu } };
  yield* run(t, spec.script);
  yield* put(t);
}
