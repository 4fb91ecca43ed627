/**
 * The ceiling: the same work as `run`, done by the plainest loop that can do it. It walks the logged
 * events with a switch on the type, mutating plain objects (no generators, no event construction, no
 * dispatch through invariant lists, no immer), and for each event does what the engine has to do
 * around it: the decision (for a step choice a scan of the cores and messages in flight for what is
 * ready, as the engine lists its options; a draw from the seeded generator, and the pick recorded; the
 * TLB lookup for an access, the walk and the victim for a fill, the victims of a TLBI), the state change
 * (the same as `applyInPlace`: the bench checks that both end in the same state hash), and the
 * invariant checks after it, called directly for the event types they concern. It re-derives the
 * decisions it can from the state and counts those that differ from the log (`mismatches`, 0 unless
 * the loop and the engine disagree). So "row / ceiling" is what a row pays for its architecture
 * (generators, events as objects, the log), not for the model's work.
 */
import { vpnOf } from "../../cores/page-table.js";
import { applyTlbi, lookup, lruVictim, tlbiVictims } from "../../cores/tlb.js";
import { walk } from "../../cores/walk.js";
import type { BusMessage } from "../../bus/messages.js";
import { Prng } from "../engine/prng.js";
import type { SimEvent } from "../events/index.js";
import { sameAsidThreads, uniqueAsidActive } from "../invariants/asid-active.js";
import { asidGenerationMonotonic } from "../invariants/asid-generation.js";
import { asidRegister } from "../invariants/asid-register.js";
import { coherence } from "../invariants/coherence.js";
import { isolation } from "../invariants/isolation.js";
import { ownTable } from "../state/own-table.js";
import type { MachineState } from "../state/machine-state.js";

export interface CeilingResult {
  state: MachineState;
  /** Event types this loop does not handle (a new event type in the engine): the state then differs. */
  skipped: string[];
  /** The choices' picks, in order (the schedule). */
  picks: number[];
  /** Decisions re-derived from the state that differ from the logged ones (lookup slot, fill slot, TLBI victims). */
  mismatches: number;
  /** Invariant checks that failed (a clean run has none). */
  violations: number;
}

/** Applies `events` to `s` in place, deciding and checking as the engine does; `seed` feeds the draws. */
/** The cores that can run and the messages that can be delivered, with the earliest time among them. */
function readyScan(s: MachineState): number {
  let ready = 0;
  let earliest = Infinity;
  for (const core of s.cores) {
    if (core.done || core.wait) continue;
    ready++;
    if (s.t < earliest) earliest = s.t;
  }
  for (let id = lowestInflight(s); id < s.nextMsgId; id++) {
    const m = s.inflight.get(id);
    if (!m || (m.kind === "ipi" && !s.cores[m.to]!.regs.irqOn)) continue;
    ready++;
    if (m.deliverAt < earliest) earliest = m.deliverAt;
  }
  return earliest === Infinity ? ready : ready + (earliest & 1);
}

let lowest = 0;
let lowestOf: MachineState | null = null;
/** Every message id below this one has been delivered (kept per state, as the engine keeps it). */
function lowestInflight(s: MachineState): number {
  if (lowestOf !== s) [lowest, lowestOf] = [0, s];
  while (lowest < s.nextMsgId && s.inflight.get(lowest) === undefined) lowest++;
  return lowest;
}

export function ceilingFold(s: MachineState, events: readonly SimEvent[], seed = 1): CeilingResult {
  const k = s.costs;
  const skipped = new Set<string>();
  const prng = new Prng(seed);
  const picks: number[] = [];
  const off = vpnOf(s.pageOffset);
  let mismatches = 0;
  let violations = 0;
  let drawn = 0;
  const send = (m: BusMessage): void => {
    s.inflight.put(m);
    if (m.id >= s.nextMsgId) s.nextMsgId = m.id + 1;
  };
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    s.seq = ev.seq + 1;
    s.t = ev.t;
    // Half the events are choices, which change nothing else (and may belong to no core).
    if (ev.type === "choice") {
      // A step choice: look over the cores and the messages in flight for what is ready and when, as
      // the engine does to list its options (the ready set itself depends on program state this loop
      // does not have, so the draw is over the logged number of options).
      if (ev.kind === "step") drawn += readyScan(s);
      drawn += prng.below(ev.of);
      picks.push(ev.pick);
      continue;
    }
    if (ev.type === "violation") {
      s.violation = { invariant: ev.invariant, message: ev.message, at: ev.at };
      continue;
    }
    const c = s.cores[ev.core]!;
    const n = c.counters;
    switch (ev.type) {
      case "tlb.hit":
        if (lookup(c.tlb, vpnOf(ev.va), c.regs.asid, c.regs.vmid) !== ev.slot) mismatches++;
        c.tlb[ev.slot]!.lastUsed = ev.seq;
        n.accesses++;
        n.hits++;
        n.cycles += k.accessCycles;
        if (coherence.check(s, ev) !== null || isolation.check(s, ev) !== null) violations++;
        break;
      case "tlb.fill": {
        const vpn = vpnOf(ev.va);
        const hit = lookup(c.tlb, vpn, c.regs.asid, c.regs.vmid);
        const w = walk(s.tables, c.regs, vpn, off);
        // The default scenario's LRU policy (a random policy's victim is a choice of its own).
        const slot = hit >= 0 ? hit : !ev.evicted ? c.tlb.length : lruVictim(c.tlb);
        if (!w.pte || w.pte.pa !== ev.entry.pa || slot !== ev.slot) mismatches++;
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
      }
      case "mmu.fault":
        if (walk(s.tables, c.regs, vpnOf(ev.va), off).pte) mismatches++;
        if (!ev.spec) {
          n.accesses++;
          n.misses++;
          n.faults++;
          n.cycles += k.accessCycles;
        }
        n.walks++;
        n.walkSteps += ev.steps;
        n.cycles += ev.steps * k.walkStepCycles;
        break;
      case "barrier":
        c.wait = null;
        n.cycles += k.barrierCycles;
        break;
      case "reg.write":
        Object.assign(c.regs, ev.regs);
        n.cycles += k.regWriteCycles;
        if (asidRegister.check(s, ev) !== null) violations++;
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
        if (
          uniqueAsidActive.check(s, ev) !== null ||
          sameAsidThreads.check(s, ev) !== null ||
          asidGenerationMonotonic.check(s, ev) !== null
        )
          violations++;
        break;
      case "asid.rollover":
        n.rollovers++;
        break;
      case "pte.write": {
        const table = ownTable(s, ev.table);
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
        if (tlbiVictims(c.tlb, ev.op, c.regs.vmid).length !== ev.removed) mismatches++;
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
        s.inflight.delete(m.id);
        if (m.kind === "ipi") {
          c.inIrq++;
          c.regs.irqOn = false;
          n.ipiReceived++;
          n.cycles += k.irqCycles;
        } else if (m.kind === "tlbi") {
          if (tlbiVictims(c.tlb, m.op, m.vmid).length !== ev.removed) mismatches++;
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
        skipped.add((ev as SimEvent).type);
    }
  }
  // `drawn` keeps the draws and scans from being optimised away.
  if (drawn < 0) mismatches++;
  return { state: s, skipped: [...skipped].sort(), picks, mismatches, violations };
}
