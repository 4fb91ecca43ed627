/**
 * What changed between two states: per core (registers, context, task, wait, TLB entries filled and
 * removed, counters), and machine-wide (shared variables, locks, tasks, page-table entries, bus messages
 * in flight, old translations still awaiting maintenance). Structured, so the debugger and the viewer
 * can each render it; empty lists mean "unchanged".
 */
import type { BusMessage } from "../../bus/messages.js";
import type { Pte } from "../../cores/page-table.js";
import type { TlbEntry } from "../../cores/tlb.js";
import type { MachineState, TaskState } from "../state/machine-state.js";

export interface Change<K, V> {
  key: K;
  /** undefined: absent on that side (a variable created, a lock free, a PTE unmapped). */
  from: V | undefined;
  to: V | undefined;
}

export interface CoreDiff {
  core: number;
  /** Register name → old and new value. */
  regs: Change<string, unknown>[];
  /** Kernel-side per-core fields: task, ctx, wait, inIrq, done, acks outstanding. */
  fields: Change<string, unknown>[];
  /**
   * TLB entries are told apart by the event that filled them (`filledAt`): one fill makes one entry,
   * so an entry present on both sides is the same entry even if it moved slot or was used since.
   */
  tlbAdded: TlbEntry[];
  tlbRemoved: TlbEntry[];
  counters: Change<string, number>[];
}

export interface StateDiff {
  /** Events applied on each side. */
  from: number;
  to: number;
  /** Only the cores where something changed. */
  cores: CoreDiff[];
  vars: Change<string, number>[];
  /** Lock name → owning core. */
  locks: Change<string, number>[];
  tasks: Change<string, TaskState>[];
  /** "table vpn" → PTE. */
  ptes: Change<{ table: string; vpn: number }, Pte>[];
  /** Messages in flight on the `to` side only (sent in between) and on the `from` side only (delivered). */
  sent: BusMessage[];
  delivered: BusMessage[];
  /** "table:vpn" → old PAs still usable by a TLB until the kernel retires them. */
  stale: Change<string, number[]>[];
}

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/** Keys of either record whose values differ, in the order of `a`'s keys then `b`'s new ones. */
export function diffRecord<V>(
  a: Readonly<Record<string, V>>,
  b: Readonly<Record<string, V>>,
  eq: (x: V, y: V) => boolean = same,
): Change<string, V>[] {
  const out: Change<string, V>[] = [];
  for (const k of Object.keys(a)) {
    const to = Object.hasOwn(b, k) ? b[k] : undefined;
    if (to === undefined || !eq(a[k]!, to)) out.push({ key: k, from: a[k], to });
  }
  for (const k of Object.keys(b)) if (!Object.hasOwn(a, k)) out.push({ key: k, from: undefined, to: b[k] });
  return out;
}

function tlbDelta(a: readonly TlbEntry[], b: readonly TlbEntry[]): { added: TlbEntry[]; removed: TlbEntry[] } {
  const inA = new Set(a.map((e) => e.filledAt));
  const inB = new Set(b.map((e) => e.filledAt));
  return { added: b.filter((e) => !inA.has(e.filledAt)), removed: a.filter((e) => !inB.has(e.filledAt)) };
}

const CORE_FIELDS = ["task", "ctx", "wait", "inIrq", "done", "ipiAcksOutstanding", "tlbiAcksOutstanding"] as const;

export function diffStates(a: MachineState, b: MachineState): StateDiff {
  const cores: CoreDiff[] = [];
  for (let c = 0; c < Math.max(a.cores.length, b.cores.length); c++) {
    const x = a.cores[c];
    const y = b.cores[c];
    if (!x || !y) continue;
    const regs = diffRecord(x.regs as unknown as Record<string, unknown>, y.regs as unknown as Record<string, unknown>);
    const fields: Change<string, unknown>[] = [];
    for (const f of CORE_FIELDS) if (!same(x[f], y[f])) fields.push({ key: f, from: x[f], to: y[f] });
    const { added, removed } = tlbDelta(x.tlb, y.tlb);
    const counters = diffRecord(x.counters as unknown as Record<string, number>, y.counters as unknown as Record<string, number>);
    if (regs.length || fields.length || added.length || removed.length || counters.length) {
      cores.push({ core: c, regs, fields, tlbAdded: added, tlbRemoved: removed, counters });
    }
  }
  const ptes: StateDiff["ptes"] = [];
  for (const table of new Set([...Object.keys(a.tables), ...Object.keys(b.tables)])) {
    const ta = (a.tables[table] ?? {}) as Record<string, Pte>;
    const tb = (b.tables[table] ?? {}) as Record<string, Pte>;
    for (const ch of diffRecord(ta, tb)) ptes.push({ key: { table, vpn: Number(ch.key) }, from: ch.from, to: ch.to });
  }
  const inflight = diffRecord<BusMessage>(a.inflight.toJSON(), b.inflight.toJSON());
  return {
    from: a.seq,
    to: b.seq,
    cores,
    vars: diffRecord(a.vars, b.vars),
    locks: diffRecord(a.locks, b.locks),
    tasks: diffRecord(a.tasks, b.tasks),
    ptes,
    sent: inflight.filter((m) => m.from === undefined).map((m) => m.to!),
    delivered: inflight.filter((m) => m.to === undefined).map((m) => m.from!),
    stale: diffRecord(a.stale, b.stale),
  };
}

/** Whether nothing changed at all. */
export function isEmptyDiff(d: StateDiff): boolean {
  return (
    !d.cores.length &&
    !d.vars.length &&
    !d.locks.length &&
    !d.tasks.length &&
    !d.ptes.length &&
    !d.sent.length &&
    !d.delivered.length &&
    !d.stale.length
  );
}
