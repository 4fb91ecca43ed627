/**
 * Carries out one operation of a step program on a core: decides its effect from the current state
 * (hit or miss, victim slot, messages to send), and emits the event that records it. The reducer then
 * applies exactly what the event says, so a fold of the log needs none of this logic.
 */
import type { AckMessage, IpiMessage, TlbiMessage } from "../../bus/messages.js";
import { latencyOf } from "../../bus/messages.js";
import type { Wait } from "../../cores/core-state.js";
import { hex, vpnOf } from "../../cores/page-table.js";
import { tlbiCount } from "../../cores/tlb.js";
import type { Machine } from "./machine.js";
import { armVarOp, drain } from "./memory-ops.js";
import { allocTablePage, l1Of, type TablePages } from "../../cores/table-pages.js";
import type { Op } from "./ops.js";
import { access } from "./access.js";

/** The value the operation yields back to its program, or why it cannot go on now (nothing allocated per op). */
export type OpOutcome = number | Wait;

/** Why an operation cannot go on now, or null when it can. */
export function blockedBy(m: Machine, c: number, op: Op): Wait | null {
  if (!isBlocked(m, c, op)) return null;
  const core = m.state.cores[c]!;
  switch (op.k) {
    case "lock":
      return { on: "lock", name: op.name };
    case "dsb":
      return { on: "dsb", outstanding: core.tlbiAcksOutstanding };
    case "wait-acks":
      return { on: "acks", outstanding: core.ipiAcksOutstanding };
    default:
      return { on: "idle" };
  }
}

/** Whether the operation cannot go on now (nothing allocated: the engine asks at every step). */
export function isBlocked(m: Machine, c: number, op: Op): boolean {
  const s = m.state;
  switch (op.k) {
    case "lock":
      return s.locks[op.name] !== undefined;
    case "dsb":
      return s.cores[c]!.tlbiAcksOutstanding > 0;
    case "wait-acks":
      return s.cores[c]!.ipiAcksOutstanding > 0;
    case "pick-task": {
      const q = m.runQueues;
      if (q) return q.of(op.tasks).count === 0 && !q.allExited();
      return !(hasCandidate(m, op.tasks) || allExited(m));
    }
    default:
      return false;
  }
}

function hasCandidate(m: Machine, ids: readonly string[]): boolean {
  const tasks = m.state.tasks;
  for (let i = 0; i < ids.length; i++) if (tasks[ids[i]!]!.status === "ready") return true;
  return false;
}

function allExited(m: Machine): boolean {
  const tasks = m.state.tasks;
  for (const id in tasks) if (tasks[id]!.status !== "exited") return false;
  return true;
}

const VAR_EVENT = { read: "var.read", write: "var.write", xchg: "var.xchg", cmpxchg: "var.cmpxchg" } as const;

/** Operations that can block; the others never wait (a switch: this runs for every operation). */
function mayBlock(k: Op["k"]): boolean {
  switch (k) {
    case "lock":
    case "dsb":
    case "wait-acks":
    case "pick-task":
      return true;
    default:
      return false;
  }
}

export function execOp(m: Machine, c: number, op: Op): OpOutcome {
  if (op.k === "in-guest") {
    const h = m.state.hyp?.cores[c];
    return h && h.inGuest && h.vcpu === op.vcpu ? execOp(m, c, op.op) : -1;
  }
  if (mayBlock(op.k)) {
    const wait = blockedBy(m, c, op);
    if (wait) return wait;
  }
  const s = m.state;
  // The frequent events are built whole (seq, t, core first: the log's key order), not spread from a body.
  switch (op.k) {
    case "reg":
      m.record({ seq: s.seq, t: m.now, core: c, type: "reg.write", regs: op.regs });
      return 0;
    case "isb":
    case "dsb":
      if (m.mem) {
        // A DSB orders at least as much as DMB SY (ARM ARM B2.3.7); an ISB makes later reads wait for the dependencies before it.
        if (op.k === "isb") {
          m.mem.isb(c);
          m.mem.ptes.isb(c);
        } else {
          drain(m, m.mem, c);
          m.mem.dmb(c, "full");
          m.mem.ptes.dsb(c);
        }
        m.record({ seq: s.seq, t: m.now, core: c, type: "barrier", kind: op.k, ptw: true });
        return 0;
      }
      m.record({ seq: s.seq, t: m.now, core: c, type: "barrier", kind: op.k });
      return 0;
    case "dmb":
      // Only under armv8: under sc the engine resumes the program without a step (Engine.advance).
      if (m.mem) {
        if (op.kind !== "ld") drain(m, m.mem, c);
        m.mem.dmb(c, op.kind);
      }
      m.record({
        seq: s.seq,
        t: m.now,
        core: c,
        type: "barrier",
        kind: op.kind === "full" ? "dmb" : op.kind === "ld" ? "dmb.ld" : "dmb.st",
      });
      return 0;
    case "read":
    case "write":
    case "xchg":
    case "cmpxchg": {
      if (m.mem) return armVarOp(m, m.mem, c, op);
      const old = s.vars[op.name] ?? 0;
      const value = op.k === "read" ? old : op.k === "cmpxchg" ? (old === op.expect ? op.value : old) : op.value;
      m.record({ seq: s.seq, t: m.now, core: c, type: VAR_EVENT[op.k], name: op.name, old, value });
      return op.k === "write" ? 0 : old;
    }
    case "lock":
      // spin_lock is an acquire, spin_unlock a release (arch/arm64/include/asm/spinlock.h, qspinlock).
      m.mem?.lock(c, op.name);
      m.record({ seq: s.seq, t: m.now, core: c, type: "lock.acquire", name: op.name });
      return 0;
    case "unlock":
      if (s.locks[op.name] !== c) throw new Error(`core ${c} releases lock ${op.name} it does not hold`);
      if (m.mem) {
        drain(m, m.mem, c);
        m.mem.unlock(c, op.name);
      }
      m.record({ seq: s.seq, t: m.now, core: c, type: "lock.release", name: op.name });
      return 0;
    case "access":
      return access(m, c, op.va, op.write, false);
    case "tlbi": {
      const core = s.cores[c]!;
      const removed = tlbiCount(core.tlb, op.op, core.regs.vmid);
      const msgs: TlbiMessage[] = [];
      if (op.broadcast) {
        for (let to = 0; to < s.cores.length; to++) {
          if (to === c) continue;
          // Written out, not spread from a common envelope: spreading into a literal is a slow path. The log's key order.
          const sentAt = m.now;
          const deliverAt = sentAt + latencyOf(m.opts.latencies, "tlbi");
          msgs.push({
            id: s.nextMsgId + msgs.length,
            from: c,
            to,
            sentAt,
            deliverAt,
            kind: "tlbi",
            op: op.op,
            vmid: core.regs.vmid,
          });
        }
      }
      m.record({ seq: s.seq, t: m.now, core: c, type: "tlbi", op: op.op, broadcast: op.broadcast, msgs, removed });
      return removed;
    }
    case "pte": {
      // armv8: walkers may read the replaced descriptor until this core's DSB (src/memory/pte-visibility.ts).
      m.mem?.ptes.store(c, op.table, vpnOf(op.va), s.tables[op.table]?.[vpnOf(op.va)] ?? null);
      const ptAlloc = s.pt && op.pte ? tablePageNeeded(s.pt, op.table, op.va) : undefined;
      if (ptAlloc !== undefined)
        m.record({ seq: s.seq, t: m.now, core: c, type: "pte.write", table: op.table, va: op.va, pte: op.pte, ptAlloc });
      else m.record({ seq: s.seq, t: m.now, core: c, type: "pte.write", table: op.table, va: op.va, pte: op.pte });
      return 0;
    }
    case "pmd-clear": {
      const pfn = s.pt?.pmd[op.table]?.[l1Of(vpnOf(op.va))];
      if (pfn === undefined)
        throw new Error(
          `pmd-clear of ${op.table} ${hex(op.va)}: no table page there (machine.walkCache off, or already cleared)`,
        );
      m.record({ seq: s.seq, t: m.now, core: c, type: "pt.unlink", table: op.table, va: op.va, pfn });
      return pfn;
    }
    case "pt-free":
      m.record({ seq: s.seq, t: m.now, core: c, type: "pt.free", pfn: op.pfn });
      return 0;
    case "retire":
      m.record({ seq: s.seq, t: m.now, core: c, type: "pte.retire", table: op.table, va: op.va });
      return 0;
    case "ipi": {
      // gic_raise_softirq: wmb() (dsb ishst) before the SGI, so the IPI's data is visible first.
      if (m.mem) drain(m, m.mem, c);
      const sentAt = m.now;
      const deliverAt = sentAt + latencyOf(m.opts.latencies, "ipi");
      const msgs: IpiMessage[] = op.to.map((to, i) => ({
        id: s.nextMsgId + i,
        from: c,
        to,
        sentAt,
        deliverAt,
        kind: "ipi",
        ipi: op.ipi,
        arg: op.arg,
      }));
      if (m.mem) for (const msg of msgs) m.mem.send(c, msg.id);
      m.record({ seq: s.seq, t: m.now, core: c, type: "ipi.send", msgs, wait: op.wait });
      return msgs.length;
    }
    case "wait-acks":
      m.record({ seq: s.seq, t: m.now, core: c, type: "ipi.acked", count: s.cores[c]!.ipiAcksAwaited });
      return 0;
    case "choose":
      return m.choose(c, "program", op.of, (i) => `${op.what} ${i}`);
    case "pick-task": {
      if (m.runQueues) {
        const q = m.runQueues.of(op.tasks);
        if (q.count === 0) return 0;
        const task = op.roundRobin ? q.longestReady() : q.kth(m.choose(c, "program", q.count, (i) => `task ${q.kth(i)}`));
        m.record({ seq: s.seq, t: m.now, core: c, type: "sched.pick", task, prev: s.cores[c]!.task, mm: s.tasks[task]!.mm });
        return 1;
      }
      const ids: string[] = [];
      for (const id of op.tasks) if (s.tasks[id]!.status === "ready") ids.push(id);
      if (ids.length === 0) return 0;
      const task = op.roundRobin
        ? ids.reduce((a, b) => (s.tasks[b]!.readySince < s.tasks[a]!.readySince ? b : a))
        : ids[m.choose(c, "program", ids.length, (i) => `task ${ids[i]}`)]!;
      m.record({ seq: s.seq, t: m.now, core: c, type: "sched.pick", task, prev: s.cores[c]!.task, mm: s.tasks[task]!.mm });
      return 1;
    }
    case "note":
      m.emit(c, op.ev);
      return 0;
    case "call":
    case "return":
      throw new Error(`a program's ${op.k} is handled by the engine`);
  }
}

/** An ack for message `of`, sent by `from` back to `to`. */
export function ackFor(m: Machine, from: number, to: number, of: number, kind: "ipi" | "tlbi"): AckMessage {
  const sentAt = m.now;
  const deliverAt = sentAt + m.opts.latencies.ackTicks;
  return { id: m.state.nextMsgId, from, to, sentAt, deliverAt, kind: "ack", of, for: kind };
}

/** pte_alloc: the page a PTE store into a 2 MB without a table page allocates (none when it has one). */
function tablePageNeeded(pt: TablePages, table: string, va: number): number | undefined {
  return pt.pmd[table]?.[l1Of(vpnOf(va))] === undefined ? allocTablePage(pt) : undefined;
}
