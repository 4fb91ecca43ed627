/** The kernel's scheduling and ASID events. */
import type { KernelEvent, SchedLeaveEvent } from "../events/kernel-events.js";
import type { Reducer, ReducerTable } from "./reducer.js";

const taskOff: Reducer<SchedLeaveEvent> = (s, ev, c) => {
  const t = s.tasks[ev.task]!;
  t.status = ev.type === "task.exit" ? "exited" : "ready";
  t.on = -1;
  t.readySince = ev.seq;
  c.task = "";
  c.counters.cycles += s.costs.otherCycles;
};

export const kernelReducers: ReducerTable<KernelEvent> = {
  "sched.pick": (s, ev, c) => {
    const t = s.tasks[ev.task]!;
    t.status = "running";
    t.on = ev.core;
    c.task = ev.task;
    c.wait = null;
    c.counters.switches++;
    c.counters.cycles += s.costs.otherCycles;
  },
  "sched.yield": taskOff,
  "task.exit": taskOff,
  "asid.rollover": (_s, _ev, c) => {
    c.counters.rollovers++;
  },
  "asid.assign": (_s, ev, c) => {
    if (c.ctx && ev.generation > c.ctx.generation) c.counters.rolloversSeen++;
    c.maxGeneration = Math.max(c.maxGeneration, ev.generation);
    c.ctx = { mm: ev.mm, generation: ev.generation, asid: ev.asid };
  },
};
