/**
 * The reducer. `applyInPlace` is the fast path (fold replay, the engine's live state); `apply` is the
 * pure transition built on it with immer, for snapshots and tests. Both do the same thing to the data:
 * neither reads a clock, draws a random number or does I/O, and everything an event changes is in it.
 */
import { produce } from "immer";
import { vpnOf, type PageTable } from "../../cores/page-table.js";
import { applyTlbi, fillSlot, touchSlot, type TlbiScope } from "../../cores/tlb.js";
import type { CoreState } from "../../cores/core-state.js";
import type { BusMessage } from "../../bus/messages.js";
import type { SimEvent } from "../events/index.js";
import { staleKey, type MachineState } from "./machine-state.js";
import { mirrorTlb } from "./shared-tlb.js";
import { tablePageAllocated, tablePageFreed, tablePageUnlinked, walkCacheFilled, walkCacheInvalidated } from "./table-pages.js";

export function apply(state: MachineState, ev: SimEvent): MachineState {
  return produce(state, (draft) => {
    applyInPlace(draft, ev);
  });
}

function send(s: MachineState, m: BusMessage): void {
  s.inflight[m.id] = m;
  if (m.id >= s.nextMsgId) s.nextMsgId = m.id + 1;
}

const isFull = (scope: TlbiScope): boolean => scope === "all" || scope === "allvm" || scope === "vmid";

/**
 * The table `id`, made this state's own first when it is still the scenario's frozen one (an initial
 * state shares the scenario's tables and copies one only when the run writes to it).
 */
export function ownTable(s: MachineState, id: string): PageTable {
  // Own entries only: a table named like an Object member ("toString") must not find that member.
  const t = Object.hasOwn(s.tables, id) ? s.tables[id] : undefined;
  if (!t) return (s.tables[id] = {});
  return Object.isFrozen(t) ? (s.tables[id] = { ...t }) : t;
}

export function applyInPlace(s: MachineState, ev: SimEvent): void {
  s.seq = ev.seq + 1;
  s.t = ev.t;
  const c: CoreState | undefined = s.cores[ev.core];
  const k = s.costs;
  switch (ev.type) {
    case "choice":
      return;
    case "violation":
      s.violation = { invariant: ev.invariant, message: ev.message, at: ev.at };
      return;
    case "reg.write":
      Object.assign(c!.regs, ev.regs);
      c!.counters.cycles += k.regWriteCycles;
      return;
    case "barrier":
      c!.wait = null;
      c!.counters.cycles += k.barrierCycles;
      return;
    case "core.wait":
      c!.wait = ev.wait;
      return;
    case "core.done":
      c!.done = true;
      c!.wait = null;
      return;
    case "var.read":
      // The variable keeps its newest value: under armv8 a read may have taken an older one.
      c!.counters.cycles += k.atomicCycles;
      return;
    case "var.write":
    case "var.xchg":
    case "var.cmpxchg":
      // Under armv8 the newest write executed, buffered or not: what the kernel's direct reads of its
      // own lock-protected data (the ASID bitmap: test_bit under cpu_asid_lock) see.
      s.vars[ev.name] = ev.value;
      c!.counters.cycles += k.atomicCycles;
      return;
    case "var.propagate":
      // Memory takes it: the newest in the global order now (a racing core's write may have been executed since).
      s.vars[ev.name] = ev.value;
      return;
    case "lock.acquire":
      s.locks[ev.name] = ev.core;
      c!.wait = null;
      c!.counters.cycles += k.atomicCycles;
      return;
    case "lock.release":
      delete s.locks[ev.name];
      c!.counters.cycles += k.atomicCycles;
      return;
    case "tlb.hit": {
      touchSlot(c!.tlb, ev.slot, ev.seq);
      if (s.tlbSiblings) mirrorTlb(s, ev.core, (t) => touchSlot(t, ev.slot, ev.seq));
      c!.counters.accesses++;
      c!.counters.hits++;
      c!.counters.cycles += k.accessCycles;
      return;
    }
    case "tlb.fill": {
      const n = c!.counters;
      if (ev.spec) n.specWalks++;
      else {
        n.accesses++;
        n.misses++;
        n.cycles += k.accessCycles;
      }
      n.walks++;
      n.walkSteps += ev.steps;
      n.cycles += ev.steps * k.walkStepCycles;
      fillSlot(c!.tlb, ev.slot, ev.entry);
      if (s.tlbSiblings) mirrorTlb(s, ev.core, (t) => fillSlot(t, ev.slot, ev.entry));
      if (ev.wc) walkCacheFilled(s, c!, ev);
      return;
    }
    case "mmu.fault": {
      const n = c!.counters;
      if (!ev.spec) {
        n.accesses++;
        n.misses++;
        n.faults++;
        n.cycles += k.accessCycles;
      }
      n.walks++;
      n.walkSteps += ev.steps;
      n.cycles += ev.steps * k.walkStepCycles;
      return;
    }
    case "tlbi":
      applyTlbi(c!.tlb, ev.op, c!.regs.vmid);
      if (s.tlbSiblings) mirrorTlb(s, ev.core, (t) => applyTlbi(t, ev.op, c!.regs.vmid));
      if (s.walkCache) walkCacheInvalidated(s, c!, ev.op, c!.regs.vmid);
      c!.counters.flushes++;
      if (isFull(ev.op.scope)) c!.counters.fullFlushes++;
      c!.counters.entriesFlushed += ev.removed;
      c!.counters.cycles += k.tlbiCycles;
      if (ev.broadcast) c!.tlbiAcksOutstanding += ev.msgs.length;
      for (const m of ev.msgs) send(s, m);
      return;
    case "pte.write": {
      const table = ownTable(s, ev.table);
      const vpn = vpnOf(ev.va);
      const old = table[vpn];
      if (old) (s.stale[staleKey(ev.table, vpn)] ??= []).push(old.pa);
      if (ev.pte) table[vpn] = { ...ev.pte };
      else delete table[vpn];
      if (ev.ptAlloc !== undefined) tablePageAllocated(s, ev.table, ev.va, ev.ptAlloc);
      c!.counters.cycles += k.atomicCycles;
      return;
    }
    case "pt.unlink":
      tablePageUnlinked(s, ownTable(s, ev.table), ev.table, ev.va);
      c!.counters.cycles += k.atomicCycles;
      return;
    case "pt.free":
      tablePageFreed(s, ev.pfn);
      c!.counters.cycles += k.otherCycles;
      return;
    case "pte.retire":
      delete s.stale[staleKey(ev.table, vpnOf(ev.va))];
      c!.counters.cycles += k.otherCycles;
      return;
    case "ipi.send":
      for (const m of ev.msgs) send(s, m);
      c!.counters.ipiSent += ev.msgs.length;
      if (ev.wait) {
        c!.ipiAcksOutstanding += ev.msgs.length;
        c!.ipiAcksAwaited += ev.msgs.length;
      }
      c!.counters.cycles += k.otherCycles;
      return;
    case "bus.deliver": {
      const m = ev.msg;
      delete s.inflight[m.id];
      if (m.kind === "ipi") {
        c!.inIrq++;
        c!.regs.irqOn = false;
        c!.counters.ipiReceived++;
        c!.counters.cycles += k.irqCycles;
      } else if (m.kind === "tlbi" && ev.late) {
        // Acked now, carried out when the late message is taken (machine.tlbi.lateCompletion).
        send(s, ev.late);
      } else if (m.kind === "tlbi") {
        applyTlbi(c!.tlb, m.op, m.vmid);
        if (s.tlbSiblings) mirrorTlb(s, ev.core, (t) => applyTlbi(t, m.op, m.vmid));
        if (s.walkCache) walkCacheInvalidated(s, c!, m.op, m.vmid);
        c!.counters.flushes++;
        if (isFull(m.op.scope)) c!.counters.fullFlushes++;
        c!.counters.entriesFlushed += ev.removed;
        c!.counters.cycles += k.tlbiCycles;
      } else if (m.for === "ipi") {
        c!.ipiAcksOutstanding--;
      } else {
        c!.tlbiAcksOutstanding--;
      }
      if (ev.ack) send(s, ev.ack);
      return;
    }
    case "ipi.acked":
      c!.wait = null;
      c!.ipiAcksAwaited = 0;
      c!.counters.cycles += k.otherCycles;
      return;
    case "ipi.done":
      c!.inIrq--;
      // Return from the exception restores the interrupted context's CPSR.I: interrupts were on.
      c!.regs.irqOn = true;
      send(s, ev.ack);
      return;
    case "sched.pick": {
      const t = s.tasks[ev.task]!;
      t.status = "running";
      t.on = ev.core;
      c!.task = ev.task;
      c!.wait = null;
      c!.counters.switches++;
      c!.counters.cycles += k.otherCycles;
      return;
    }
    case "sched.yield":
    case "task.exit": {
      const t = s.tasks[ev.task]!;
      t.status = ev.type === "task.exit" ? "exited" : "ready";
      t.on = -1;
      t.readySince = ev.seq;
      c!.task = "";
      c!.counters.cycles += k.otherCycles;
      return;
    }
    case "asid.rollover":
      c!.counters.rollovers++;
      return;
    case "vcpu.load": {
      const h = s.hyp!;
      h.cores[ev.core]!.vcpu = ev.vcpu;
      h.vcpus[ev.vcpu]!.loadedOn = ev.core;
      c!.counters.cycles += k.otherCycles;
      return;
    }
    case "vcpu.put": {
      const h = s.hyp!;
      h.cores[ev.core]!.vcpu = "";
      h.vcpus[ev.vcpu]!.loadedOn = -1;
      c!.counters.cycles += k.otherCycles;
      return;
    }
    case "hyp.save": {
      const h = s.hyp!;
      if (ev.into === "host") h.cores[ev.core]!.host = { ...ev.regs };
      else Object.assign(h.vcpus[ev.into]!.regs, ev.regs);
      c!.counters.cycles += k.otherCycles;
      return;
    }
    case "hyp.enter": {
      const h = s.hyp!.cores[ev.core]!;
      h.inGuest = true;
      h.vm = ev.vm;
      h.vmid = ev.vmid;
      h.gen = ev.gen;
      c!.regs.mode = ev.mode;
      c!.regs.irqOn = true;
      c!.counters.worldSwitches++;
      c!.counters.cycles += k.trapCycles;
      return;
    }
    case "hyp.exit": {
      const h = s.hyp!.cores[ev.core]!;
      h.inGuest = false;
      h.vm = "";
      c!.regs.mode = ev.mode;
      c!.regs.irqOn = false;
      c!.counters.worldSwitches++;
      c!.counters.cycles += k.trapCycles;
      return;
    }
    case "vmid.assign":
      return;
    case "vmid.rollover":
      c!.counters.vmidRollovers++;
      return;
    case "asid.assign":
      if (c!.ctx && ev.generation > c!.ctx.generation) c!.counters.rolloversSeen++;
      c!.maxGeneration = Math.max(c!.maxGeneration, ev.generation);
      c!.ctx = { mm: ev.mm, generation: ev.generation, asid: ev.asid };
      return;
  }
}
