/**
 * The machine as the core actors see it (bus/core-actor.ts): what they record goes through the engine's
 * `record` (so the reducer, the ready lists and the observers see it as any event), their choices
 * through its chooser, and the engine's own bookkeeping (the ready set, the core's frames) through `hooks`.
 */
import type { CorePort } from "../../bus/core-actor.js";
import type { AckMessage, BusMessage, IpiMessage, TlbiMessage } from "../../bus/messages.js";
import { ackFor } from "./exec.js";
import type { Machine } from "./machine.js";

export interface CorePortHooks {
  /** A lagging TLBI completed without a delivery of its own: off the ready set. */
  readonly completed: (l: TlbiMessage) => void;
  /** Core c takes the IPI `m`: its handler frame goes on the core's stack. */
  readonly interrupted: (c: number, m: IpiMessage) => void;
}

export function corePort(m: Machine, hooks: CorePortHooks): CorePort {
  return {
    get now() {
      return m.now;
    },
    lateTlbi: m.opts.lateTlbi === true,
    tlb: (c) => m.state.cores[c]!.tlb,
    ack: (from, to, of, kind) => ackFor(m, from, to, of, kind),
    choose: (c, of, what) => m.choose(c, "program", of, what),
    lagging(c, except) {
      const out: TlbiMessage[] = [];
      const inflight = m.state.inflight;
      // Message ids are integer keys: for-in visits them in ascending order.
      for (const id in inflight) {
        const l = inflight[id]!;
        if (l.kind === "tlbi" && l.late === true && l.to === c && l.id !== except) out.push(l);
      }
      return out;
    },
    took(msg: BusMessage, removed: number, ack: AckMessage | null, late?: TlbiMessage) {
      const ev = { seq: m.state.seq, t: m.now, core: msg.to, type: "bus.deliver", msg, removed, ack } as const;
      m.record(late ? { ...ev, late } : ev);
    },
    completed: hooks.completed,
    received: (c, id) => m.mem?.receive(c, id),
    interrupted: hooks.interrupted,
  };
}
