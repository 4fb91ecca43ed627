/** Specs of the kernel's events: scheduling, task exit, ASID assignment and roll-over. */
import type { KernelEvent } from "./kernel-events.js";
import { changes, NOTHING, touchesNothing, type SpecTable } from "./spec.js";

export const kernelSpecs: SpecTable<KernelEvent> = {
  "sched.pick": {
    changes: changes(["task", "ctx"], ["tasks"]),
    touches: (ev, t) => {
      for (const task of t.schedulerTasks(ev.core)) t.read(`task:${task}`);
      t.write(`task:${ev.task}`);
    },
    describe: (ev) => `switch to ${ev.task} (mm ${ev.mm})`,
  },
  "sched.yield": {
    changes: changes(["task"], ["tasks"]),
    touches: (ev, t) => t.write(`task:${ev.task}`),
    describe: (ev) => `${ev.task} yields`,
  },
  "task.exit": {
    changes: changes(["task"], ["tasks"]),
    touches: (ev, t) => t.write(`task:${ev.task}`),
    describe: (ev) => `${ev.task} exits`,
  },
  "asid.rollover": { changes: NOTHING, touches: touchesNothing, describe: (ev) => `ROLL-OVER to generation ${ev.generation}` },
  // The contexts cores run under: what the ASID invariants compare across cores.
  // Also each core's own (`ctx:C`), which same-asid-threads reads core by core.
  "asid.assign": {
    changes: changes(["ctx"]),
    touches: (ev, t) => {
      t.write("ctx");
      t.write(`ctx:${ev.core}`);
    },
    describe: (ev) => `mm ${ev.mm} ASID ${ev.generation}:${ev.asid}`,
  },
};
