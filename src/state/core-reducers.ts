/** A core's own events: register writes, barriers, waits, running out of work. */
import type { CoreEvent } from "../events/core-events.js";
import type { ReducerTable } from "./reducer.js";

export const coreReducers: ReducerTable<CoreEvent> = {
  "reg.write": (s, ev, c) => {
    Object.assign(c.regs, ev.regs);
    c.counters.cycles += s.costs.regWriteCycles;
  },
  barrier: (s, _ev, c) => {
    c.wait = null;
    c.counters.cycles += s.costs.barrierCycles;
  },
  "core.wait": (_s, ev, c) => {
    c.wait = ev.wait;
  },
  "core.done": (_s, _ev, c) => {
    c.done = true;
    c.wait = null;
  },
};
