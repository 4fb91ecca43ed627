/**
 * The ceiling: the least work that turns the logged events into the same state. A deliberately plain
 * loop with a switch on the event type that mutates plain objects, written out by hand for the event
 * types the default scenario produces: no invariants, no generators, no event construction, no immer.
 * It makes the same changes as `applyInPlace` (the bench checks that both end in the same state hash),
 * so "row / ceiling" is what a row pays on top of applying its events.
 */
import { vpnOf } from "../../cores/page-table.js";
import { applyTlbi } from "../../cores/tlb.js";
import type { BusMessage } from "../../bus/messages.js";
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";

export interface CeilingResult {
  state: MachineState;
  /** Event types this loop does not handle (a new event type in the engine): the state then differs. */
  skipped: string[];
}

/** Applies `events` to `s` in place. */
export function ceilingFold(s: MachineState, events: readonly SimEvent[]): CeilingResult {
  const k = s.costs;
  const skipped = new Set<string>();
  const send = (m: BusMessage): void => {
    s.inflight[m.id] = m;
    if (m.id >= s.nextMsgId) s.nextMsgId = m.id + 1;
  };
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    s.seq = ev.seq + 1;
    s.t = ev.t;
    // Half the events are choices, which change nothing else (and may belong to no core).
    if (ev.type === "choice") continue;
    if (ev.type === "violation") {
      s.violation = { invariant: ev.invariant, message: ev.message, at: ev.at };
      continue;
    }
    const c = s.cores[ev.core]!;
    const n = c.counters;
    switch (ev.type) {
      case "tlb.hit":
        c.tlb[ev.slot]!.lastUsed = ev.seq;
        n.accesses++;
        n.hits++;
        n.cycles += k.accessCycles;
        break;
      case "tlb.fill":
        if (ev.spec) n.specWalks++;
        else {
          n.accesses++;
          n.misses++;
          n.cycles += k.accessCycles;
        }
        n.walks++;
        n.walkSteps += ev.steps;
        n.cycles += ev.steps * k.walkStepCycles;
        c.tlb[ev.slot] = { ...ev.entry };
        break;
      case "barrier":
        c.wait = null;
        n.cycles += k.barrierCycles;
        break;
      case "reg.write":
        Object.assign(c.regs, ev.regs);
        n.cycles += k.regWriteCycles;
        break;
      case "var.read":
      case "var.write":
      case "var.xchg":
      case "var.cmpxchg":
        s.vars[ev.name] = ev.value;
        n.cycles += k.atomicCycles;
        break;
      case "lock.acquire":
        s.locks[ev.name] = ev.core;
        c.wait = null;
        n.cycles += k.atomicCycles;
        break;
      case "lock.release":
        delete s.locks[ev.name];
        n.cycles += k.atomicCycles;
        break;
      case "core.wait":
        c.wait = ev.wait;
        break;
      case "core.done":
        c.done = true;
        c.wait = null;
        break;
      case "sched.pick": {
        const t = s.tasks[ev.task]!;
        t.status = "running";
        t.on = ev.core;
        c.task = ev.task;
        c.wait = null;
        n.switches++;
        n.cycles += k.otherCycles;
        break;
      }
      case "sched.yield":
      case "task.exit": {
        const t = s.tasks[ev.task]!;
        t.status = ev.type === "task.exit" ? "exited" : "ready";
        t.on = -1;
        t.readySince = ev.seq;
        c.task = "";
        n.cycles += k.otherCycles;
        break;
      }
      case "asid.assign":
        if (c.ctx && ev.generation > c.ctx.generation) n.rolloversSeen++;
        if (ev.generation > c.maxGeneration) c.maxGeneration = ev.generation;
        c.ctx = { mm: ev.mm, generation: ev.generation, asid: ev.asid };
        break;
      case "asid.rollover":
        n.rollovers++;
        break;
      case "pte.write": {
        const table = (s.tables[ev.table] ??= {});
        const vpn = vpnOf(ev.va);
        const old = table[vpn];
        if (old) (s.stale[`${ev.table}:${vpn}`] ??= []).push(old.pa);
        if (ev.pte) table[vpn] = { ...ev.pte };
        else delete table[vpn];
        n.cycles += k.atomicCycles;
        break;
      }
      case "pte.retire":
        delete s.stale[`${ev.table}:${vpnOf(ev.va)}`];
        n.cycles += k.otherCycles;
        break;
      case "tlbi":
        applyTlbi(c.tlb, ev.op, c.regs.vmid);
        n.flushes++;
        if (ev.op.scope === "all" || ev.op.scope === "allvm" || ev.op.scope === "vmid") n.fullFlushes++;
        n.entriesFlushed += ev.removed;
        n.cycles += k.tlbiCycles;
        if (ev.broadcast) c.tlbiAcksOutstanding += ev.msgs.length;
        for (const m of ev.msgs) send(m);
        break;
      case "bus.deliver": {
        const m = ev.msg;
        delete s.inflight[m.id];
        if (m.kind === "ipi") {
          c.inIrq++;
          c.regs.irqOn = false;
          n.ipiReceived++;
          n.cycles += k.irqCycles;
        } else if (m.kind === "tlbi") {
          applyTlbi(c.tlb, m.op, m.vmid);
          n.flushes++;
          if (m.op.scope === "all" || m.op.scope === "allvm" || m.op.scope === "vmid") n.fullFlushes++;
          n.entriesFlushed += ev.removed;
          n.cycles += k.tlbiCycles;
        } else if (m.for === "ipi") c.ipiAcksOutstanding--;
        else c.tlbiAcksOutstanding--;
        if (ev.ack) send(ev.ack);
        break;
      }
      case "ipi.send":
        for (const m of ev.msgs) send(m);
        n.ipiSent += ev.msgs.length;
        if (ev.wait) {
          c.ipiAcksOutstanding += ev.msgs.length;
          c.ipiAcksAwaited += ev.msgs.length;
        }
        n.cycles += k.otherCycles;
        break;
      case "ipi.acked":
        c.wait = null;
        c.ipiAcksAwaited = 0;
        n.cycles += k.otherCycles;
        break;
      case "ipi.done":
        c.inIrq--;
        c.regs.irqOn = true;
        send(ev.ack);
        break;
      default:
        skipped.add(ev.type);
    }
  }
  return { state: s, skipped: [...skipped].sort() };
}
