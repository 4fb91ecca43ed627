/**
 * Flow arrows for bus messages: from each IPI's send to its delivery, and from the delivery to the
 * delivery of the ack it earned (for an IPI the ack leaves when the handler returns, but the arrow
 * starts at the handler's slice, which the delivery opens); the same for broadcast TLB maintenance.
 * A flow event binds to the slice that encloses it on its track, so every endpoint that is not already
 * inside one (a send without wait, a hardware TLBI, an ack arriving at a core that is not waiting) gets
 * a zero-length slice of its own.
 */
import type { BusMessage } from "../../bus/messages.js";
import type { SimEvent } from "../events/index.js";
import { describeEvent } from "../events/describe.js";
import type { Slice } from "./slices.js";
import type { TraceEvent } from "./trace-event.js";
import { PID } from "./trace-event.js";

interface Pending {
  /** Where the arrow starts: core and time. */
  core: number;
  t: number;
  cat: string;
  name: string;
}

export class Flows {
  /** Message id → the start of the arrow that carries it. */
  private readonly pending = new Map<number, Pending>();
  /** IPI message id → its delivery, where the arrow of its ack starts. */
  private readonly delivered = new Map<number, { core: number; t: number }>();

  constructor(
    private readonly emit: (e: TraceEvent) => void,
    private readonly point: (s: Slice) => void,
  ) {}

  private start(m: BusMessage, core: number, t: number, name: string): void {
    const cat = m.kind === "ack" ? `ack-${m.for}` : m.kind;
    this.pending.set(m.id, { core, t, cat, name });
  }

  private finish(m: BusMessage, core: number, t: number): void {
    const p = this.pending.get(m.id);
    if (!p) return; // sent before the log began (cannot happen for a log from boot)
    this.pending.delete(m.id);
    this.emit({ name: p.name, cat: p.cat, ph: "s", id: m.id, pid: PID, tid: p.core, ts: p.t, bp: "e" });
    this.emit({ name: p.name, cat: p.cat, ph: "f", id: m.id, pid: PID, tid: core, ts: t, bp: "e" });
  }

  private pointSlice(ev: SimEvent, name: string): void {
    this.point({ name, cat: "bus", core: ev.core, start: ev.t, end: ev.t, args: { seq: ev.seq } });
  }

  /** One event; `waiting`: the core is inside smp_call_function(wait), whose slice an ack can bind to. */
  event(ev: SimEvent, waiting: boolean): void {
    switch (ev.type) {
      case "ipi.send":
        if (!ev.wait) this.pointSlice(ev, describeEvent(ev));
        for (const m of ev.msgs) this.start(m, ev.core, ev.t, `IPI ${m.ipi} → ${m.to}`);
        return;
      case "tlbi":
        if (!ev.broadcast || !ev.msgs.length) return;
        this.pointSlice(ev, describeEvent(ev));
        for (const m of ev.msgs) this.start(m, ev.core, ev.t, `TLBI ${m.op.scope} → ${m.to}`);
        return;
      case "bus.deliver": {
        const m = ev.msg;
        // An IPI's delivery opens its handler slice; anything else needs a slice to bind to.
        if (m.kind !== "ipi" && !(m.kind === "ack" && m.for === "ipi" && waiting)) this.pointSlice(ev, describeEvent(ev));
        if (m.kind === "ipi") this.delivered.set(m.id, { core: ev.core, t: ev.t });
        this.finish(m, ev.core, ev.t);
        if (ev.ack) this.start(ev.ack, ev.core, ev.t, `ack of #${m.id} → ${ev.ack.to}`);
        return;
      }
      case "ipi.done":
        // The ack leaves now; its arrow starts at the handler's delivery (see above).
        this.startAck(ev.ack);
        return;
    }
  }

  private startAck(ack: BusMessage): void {
    if (ack.kind !== "ack") return;
    const d = this.delivered.get(ack.of);
    if (!d) return;
    this.delivered.delete(ack.of);
    this.start(ack, d.core, d.t, `ack of #${ack.of} → ${ack.to}`);
  }
}
