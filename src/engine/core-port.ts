/**
 * The machine as the core actors see it (bus/core-actor.ts): what they record goes through the engine's
 * `record` (so the reducer, the ready lists and the observers see it as any event), their choices
 * through its chooser, and the engine's own bookkeeping (the ready set, the core's frames) through `hooks`.
 */
import type { CorePort } from "../../bus/core-actor.js";
import type { AckMessage, BusMessage, IpiMessage, TlbiMessage } from "../../bus/messages.js";
import type { TlbEntry } from "../../cores/tlb.js";
import { ackFor } from "./exec.js";
import type { Machine } from "./machine.js";

export interface CorePortHooks {
  /** A lagging TLBI completed without a delivery of its own: off the ready set. */
  readonly completed: (l: TlbiMessage) => void;
  /** Core c takes the IPI `m`: its handler frame goes on the core's stack. */
  readonly interrupted: (c: number, m: IpiMessage) => void;
}

/** A class, not an object literal: exploration wires a bus (and this port) for every schedule that sends a message. */
export class EnginePort implements CorePort {
  readonly lateTlbi: boolean;
  readonly completed: (l: TlbiMessage) => void;
  readonly interrupted: (c: number, m: IpiMessage) => void;

  constructor(
    private readonly m: Machine,
    hooks: CorePortHooks,
  ) {
    this.lateTlbi = m.opts.lateTlbi === true;
    this.completed = hooks.completed;
    this.interrupted = hooks.interrupted;
  }

  get now(): number {
    return this.m.now;
  }

  tlb(c: number): readonly TlbEntry[] {
    return this.m.state.cores[c]!.tlb;
  }

  ack(from: number, to: number, of: number, kind: "ipi" | "tlbi"): AckMessage {
    return ackFor(this.m, from, to, of, kind);
  }

  choose(c: number, of: number, what: (i: number) => string): number {
    return this.m.choose(c, "program", of, what);
  }

  lagging(c: number, except: number): TlbiMessage[] {
    const out: TlbiMessage[] = [];
    // In ascending id order (in-flight.ts).
    for (const l of this.m.state.inflight) {
      if (l.kind === "tlbi" && l.late === true && l.to === c && l.id !== except) out.push(l);
    }
    return out;
  }

  took(msg: BusMessage, removed: number, ack: AckMessage | null, late?: TlbiMessage): void {
    const m = this.m;
    const ev = { seq: m.state.seq, t: m.now, core: msg.to, type: "bus.deliver", msg, removed, ack } as const;
    m.record(late ? { ...ev, late } : ev);
  }

  received(c: number, id: number): void {
    this.m.mem?.receive(c, id);
  }
}
