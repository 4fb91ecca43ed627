/** IPIs and bus deliveries: what a core does with a message is decided by its actor (bus/core-actor.ts) and applied here. */
import { applyTlbi } from "../../cores/tlb.js";
import type { BusEvent } from "../events/bus-events.js";
import { send, type ReducerTable } from "./reducer.js";
import { mirrorTlb } from "./shared-tlb.js";
import { walkCacheInvalidated } from "./table-pages.js";
import { isFull } from "./tlb-reducers.js";

export const busReducers: ReducerTable<BusEvent> = {
  "ipi.send": (s, ev, c) => {
    for (const m of ev.msgs) send(s, m);
    c.counters.ipiSent += ev.msgs.length;
    if (ev.wait) {
      c.ipiAcksOutstanding += ev.msgs.length;
      c.ipiAcksAwaited += ev.msgs.length;
    }
    c.counters.cycles += s.costs.otherCycles;
  },
  "bus.deliver": (s, ev, c) => {
    const m = ev.msg;
    const k = s.costs;
    s.inflight.delete(m.id);
    if (m.kind === "ipi") {
      c.inIrq++;
      c.regs.irqOn = false;
      c.counters.ipiReceived++;
      c.counters.cycles += k.irqCycles;
    } else if (m.kind === "tlbi" && ev.late) {
      // Acked now, carried out when the late message is taken (machine.tlbi.lateCompletion).
      send(s, ev.late);
    } else if (m.kind === "tlbi") {
      applyTlbi(c.tlb, m.op, m.vmid);
      if (s.tlbSiblings) mirrorTlb(s, ev.core, (t) => applyTlbi(t, m.op, m.vmid));
      if (s.walkCache) walkCacheInvalidated(s, c, m.op, m.vmid);
      c.counters.flushes++;
      if (isFull(m.op.scope)) c.counters.fullFlushes++;
      c.counters.entriesFlushed += ev.removed;
      c.counters.cycles += k.tlbiCycles;
    } else if (m.for === "ipi") {
      c.ipiAcksOutstanding--;
    } else {
      c.tlbiAcksOutstanding--;
    }
    if (ev.ack) send(s, ev.ack);
  },
  "ipi.acked": (s, _ev, c) => {
    c.wait = null;
    c.ipiAcksAwaited = 0;
    c.counters.cycles += s.costs.otherCycles;
  },
  "ipi.done": (s, ev, c) => {
    c.inIrq--;
    // Return from the exception restores the interrupted context's CPSR.I: interrupts were on.
    c.regs.irqOn = true;
    send(s, ev.ack);
  },
};
