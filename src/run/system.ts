/** Assembles the kernel that runs on the machine: scheduler per core, allocator, IPI handlers. */
import { AllocatorError } from "../kernel/asid/errors.js";
import type { IpiMessage } from "../../bus/messages.js";
import type { System } from "../engine/engine.js";
import type { Op, Program } from "../engine/ops.js";
import type { MachineState } from "../state/machine-state.js";
import type { Scenario } from "../scenario/types.js";
import { tasksOn } from "../scenario/initial-state.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import type { IpiHandler, KernelCtx } from "../kernel/context.js";
import { freePteTable } from "../kernel/free-table.js";
import { flushTlbMm, flushTlbRange, rangeIpiHandlers, unmapRange } from "../kernel/flush-range.js";
import { builtinTlbFlush } from "../kernel/munmap.js";
import { builtinContextSwitch } from "../kernel/switch-mm.js";
import { modulesOf } from "../modules/attach.js";
import { hypervisor } from "../hyp/hypervisor.js";
import type { VcpuPosition } from "../hyp/run-loop.js";
import { coreMain } from "../kernel/scheduler.js";
import { RESERVED_TTBR0, switchSequence } from "../kernel/switch-sequence.js";
import { copyPosition, encodeFrames, encodePosition, scriptStart, slice, type ScriptPosition } from "../kernel/workload.js";
import { builtinAllocator } from "../kernel/asid/registry.js";

// Generator functions live at module level, never in a per-run object literal: each new generator
// closure gets its own prototype and object map on its first call, in old space, and through them the
// closure, its context and so the run's whole state survive every scavenge until a full GC. Exploration
// makes a kernel per schedule: a `*switchPrepare` method here kept about 6 KB a schedule alive and made
// garbage collection 14% of exploration's time (README, "Performance").
function* switchPrepare(k: KernelCtx, cpu: number): Program {
  if (k.scenario.kernel.switchSequence !== "reserved-ttbr0") return;
  yield { k: "reg", regs: { ttbr0: RESERVED_TTBR0 } };
  yield { k: "isb" };
  k.percpu[cpu]!.reservedTtbr0 = true;
}

/** A core's programs at its scheduler's loop head: its per-CPU data, its tasks' and vCPU threads' positions. */
interface Quiescent {
  percpu: KernelCtx["percpu"][number];
  positions: Record<string, ScriptPosition>;
  vcpus: Record<string, VcpuPosition>;
}

export function kernelSystem(scenario: Scenario, state: MachineState, allocator: AsidAllocator): System {
  // The scenario's own modules, loaded with its allocator (src/modules/resolve.ts); built-ins otherwise.
  const modules = modulesOf(allocator);
  const cs = modules.contextSwitch ?? builtinContextSwitch;
  const flush = modules.tlbFlush ?? builtinTlbFlush;
  const k: KernelCtx = {
    scenario,
    state,
    cores: scenario.machine.cores,
    asidBits: scenario.kernel.asidBits,
    percpu: Array.from({ length: scenario.machine.cores }, () => ({ currentMm: "", reservedTtbr0: false, activeMm: "" })),
    switchTo(cpu, mm, asid) {
      const done = this.percpu[cpu]!.reservedTtbr0;
      this.percpu[cpu]!.reservedTtbr0 = false;
      return switchSequence(scenario.kernel.switchSequence, mm, asid, done);
    },
    switchPrepare(cpu) {
      return switchPrepare(this, cpu);
    },
    contextSwitch(cpu, prev, next) {
      return cs.contextSwitch(this, allocator, cpu, prev, next);
    },
    unmapPage(cpu, mm, va, how) {
      return flush.unmapPage(this, cpu, mm, va, how);
    },
    freeTable(cpu, mm, va, how) {
      return (flush.freeTable ?? freePteTable)(this, cpu, mm, va, how);
    },
    unmapRange(cpu, mm, va, pages, how) {
      return unmapRange(this, cpu, mm, va, pages, how);
    },
    flushTlbRange(cpu, mm, start, end, how) {
      return (flush.flushTlbRange ?? flushTlbRange)(this, cpu, mm, start, end, how);
    },
    flushTlbMm(cpu, mm, how) {
      return (flush.flushTlbMm ?? flushTlbMm)(this, cpu, mm, how);
    },
  };
  const hv = scenario.hyp ? hypervisor(k, scenario.hyp, allocator, modules.hyp) : null;
  const vcpus = new Set(scenario.tasks.filter((t) => t.vcpu !== undefined).map((t) => t.id));
  const positions = new Map<string, ScriptPosition>();
  const positionOf = (task: string): ScriptPosition => {
    let p = positions.get(task);
    if (!p) positions.set(task, (p = scriptStart(k, task)));
    return p;
  };
  // A user's module (allocator, switch_mm, TLB flush, VMID allocator, world switch) may keep state of its
  // own: then a core's programs are never plain data. The built-in ones keep theirs in machine state.
  const plain =
    !modules.contextSwitch &&
    !modules.tlbFlush &&
    !modules.hyp?.vmid &&
    !modules.hyp?.worldSwitch &&
    builtinAllocator(scenario.kernel.asidAllocator) === allocator;
  const handlers: Record<string, IpiHandler> = {
    ...rangeIpiHandlers,
    ...flush.ipiHandlers,
    ...allocator.ipiHandlers,
    ...hv?.ipiHandlers,
  };
  return {
    main(cpu: number): Program {
      const allowed = tasksOn(scenario, cpu);
      // A vCPU thread's time slice runs its guest (src/hyp/run-loop.ts); any other task's, its script.
      const sliceOf = (task: string, mm: string): Generator<Op, number, number> =>
        hv && vcpus.has(task) ? hv.vcpuSlice(task) : slice(k, task, mm, positionOf(task));
      return coreMain(k, cpu, sliceOf, allowed);
    },
    quiescent(cpu, rename): string | null {
      if (!plain) return null;
      const p = k.percpu[cpu]!;
      const name = (s: string): string => (rename ? rename.name(s) : s);
      const out = `${name(p.activeMm)}|${name(p.currentMm)}|${p.reservedTtbr0}`;
      const parts: string[] = [];
      for (const task of tasksOn(scenario, cpu)) {
        // Renamed: this task's place holds its preimage's position (members share a core: symmetry-format.ts;
        // symmetry is refused with a hypervisor, so a vCPU thread is never renamed).
        const from = rename ? rename.inverse(task) : task;
        let at: string | null;
        if (hv && vcpus.has(from)) at = hv.encodeVcpu(from);
        else {
          const pos = positions.get(from) ?? positionOf(from);
          at = rename ? encodeFrames(pos) : encodePosition(pos, scenario);
        }
        if (at === null) return null;
        parts.push(`|${task}:${at}`);
      }
      // Renamed, in name order: the text does not depend on the order the scenario lists its tasks in.
      return out + (rename ? parts.sort() : parts).join("");
    },
    saveQuiescent(cpu: number): Quiescent | null {
      if (!plain) return null;
      const positions: Record<string, ScriptPosition> = {};
      const threads: Record<string, VcpuPosition> = {};
      for (const task of tasksOn(scenario, cpu))
        if (hv && vcpus.has(task)) threads[task] = hv.saveVcpu(task);
        else positions[task] = copyPosition(positionOf(task));
      return { percpu: { ...k.percpu[cpu]! }, positions, vcpus: threads };
    },
    restoreQuiescent(cpu: number, saved: unknown): void {
      const q = saved as Quiescent;
      // coreMain keeps a reference to its per-CPU object: written in place.
      Object.assign(k.percpu[cpu]!, q.percpu);
      for (const task in q.positions) positions.set(task, copyPosition(q.positions[task]!));
      for (const task in q.vcpus) hv!.restoreVcpu(task, q.vcpus[task]!);
    },
    ipiHandler(cpu: number, msg: IpiMessage): Program {
      const h = Object.hasOwn(handlers, msg.ipi) ? handlers[msg.ipi] : undefined;
      // Only a user's module can send an IPI nobody handles (the built-ins send their own).
      if (!h) throw new AllocatorError(`${allocator.source}: sent IPI ${JSON.stringify(msg.ipi)}, which no handler takes`);
      return hv ? hv.onIpi(cpu, h(k, cpu, msg)) : h(k, cpu, msg);
    },
  };
}
