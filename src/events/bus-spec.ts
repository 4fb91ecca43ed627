/** Specs of bus events: IPIs sent, messages delivered, handlers done, acks collected. */
import type { BusEvent } from "./bus-events.js";
import { changes, type SpecTable } from "./spec.js";
import { tlbiText } from "./tlb-spec.js";

export const busSpecs: SpecTable<BusEvent> = {
  "ipi.send": {
    changes: changes(["wait"], ["inflight"]),
    touches: (ev, t) => {
      t.write(`acks:${ev.core}`);
      // An IPI on its way to a core keeps it from being settled (same-asid-threads reads these).
      for (const m of ev.msgs) {
        t.creates(m.id);
        t.write(`ipi:${m.to}:${ev.core}`);
      }
    },
    describe: (ev) => `IPI ${ev.msgs[0]?.ipi ?? ""} → ${ev.msgs.map((m) => m.to).join(",")}${ev.wait ? " (wait)" : ""}`,
  },
  "bus.deliver": {
    // The receiver (`core`) takes an IPI (its handler runs, interrupts masked) or carries out a TLBI.
    changes: changes(["regs", "tlb", "wait"], ["inflight"]),
    touches: (ev, t) => {
      const m = ev.msg;
      if (ev.ack) t.creates(ev.ack.id);
      if (ev.late) t.creates(ev.late.id);
      if (m.kind === "ipi") {
        t.write(`regs:${ev.core}`);
        t.write(`running:${ev.core}`);
        t.write(`ipi:${ev.core}:${m.from}`);
      } else if (m.kind === "tlbi") t.write(`tlb:${ev.core}`);
      else t.write(m.for === "ipi" ? `acks:${ev.core}` : `tacks:${ev.core}`);
    },
    describe: (ev) => {
      const m = ev.msg;
      if (m.kind === "ipi") return `take IPI ${m.ipi} #${m.id} from ${m.from}`;
      if (m.kind === "tlbi" && ev.late) return `${tlbiText(m.op)} from ${m.from}: acked, completes late (#${ev.late.id})`;
      if (m.kind === "tlbi") return `${tlbiText(m.op)} from ${m.from}${m.late ? " (late completion)" : ""} (-${ev.removed})`;
      return `ack #${m.of} from ${m.from}`;
    },
  },
  "ipi.done": {
    changes: changes(["regs"], ["inflight"]),
    touches: (ev, t) => {
      t.creates(ev.ack.id);
      t.write(`regs:${ev.core}`);
      t.write(`running:${ev.core}`);
    },
    describe: (ev) => `IPI #${ev.of} handled, ack`,
  },
  "ipi.acked": { changes: changes(["wait"]), touches: (ev, t) => t.read(`acks:${ev.core}`), describe: () => "all IPIs acked" },
};
