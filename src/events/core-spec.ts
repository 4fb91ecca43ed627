/** Specs of a core's own events: register writes, barriers, waits, running out of work. */
import { hex } from "../../cores/page-table.js";
import type { CoreEvent } from "./core-events.js";
import { changes, type SpecTable } from "./spec.js";

export const coreSpecs: SpecTable<CoreEvent> = {
  "reg.write": {
    changes: changes(["regs"]),
    touches: (ev, t) => {
      t.write(`regs:${ev.core}`);
      const r = ev.regs;
      // `running:C`: what the core runs under, which same-asid-threads and same-vmid-vcpus compare across
      // cores (an interrupt-mask write does not change it, so it does not make their checks dependent).
      if (
        r.asid !== undefined ||
        r.ttbr0 !== undefined ||
        r.mode !== undefined ||
        r.vmid !== undefined ||
        r.stage2 !== undefined
      ) {
        t.write(`running:${ev.core}`);
      }
    },
    describe: (ev) =>
      Object.entries(ev.regs)
        .map(([r, v]) => `${r}←${typeof v === "number" && r !== "asid" && r !== "vmid" ? hex(v) : String(v)}`)
        .join(" "),
  },
  barrier: {
    // A DSB that waited for broadcast maintenance stops waiting.
    changes: changes(["wait"]),
    // A DSB waits for this core's broadcast maintenance to be acknowledged.
    touches: (ev, t) => {
      if (ev.kind === "dsb") t.read(`tacks:${ev.core}`);
      if (ev.ptw === true) t.write("ptw");
    },
    describe: (ev) => ev.kind.toUpperCase(),
  },
  "core.wait": {
    changes: changes(["wait"]),
    touches: (ev, t) => {
      const x = ev.wait;
      // Idle: the scheduler looked at the tasks it may run and found none ready.
      if (x.on === "idle") for (const task of t.schedulerTasks(ev.core)) t.read(`task:${task}`);
      else t.read(x.on === "lock" ? `l:${x.name}` : x.on === "acks" ? `acks:${ev.core}` : `tacks:${ev.core}`);
    },
    describe: (ev) => {
      const w = ev.wait;
      return w.on === "lock" ? `wait lock ${w.name}` : w.on === "idle" ? "idle" : `wait ${w.on} (${w.outstanding})`;
    },
  },
  "core.done": {
    changes: changes(["done", "wait"]),
    // The scheduler saw every task exited.
    touches: (ev, t) => {
      for (const task of t.allTasks()) t.read(`task:${task}`);
      t.write(`done:${ev.core}`);
    },
    describe: () => "done",
  },
};
