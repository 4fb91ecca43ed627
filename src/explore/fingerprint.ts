/**
 * A cheap fingerprint of what a state *is*, for exploration's coverage figures: registers, contexts,
 * TLB contents, kernel variables, locks, page tables, tasks and messages in flight; not counters,
 * clocks or provenance, which differ between runs that reached the same machine state. It mixes
 * numbers instead of building a string (it runs at every choice point of every schedule), and keyed
 * collections are folded order-independently, since their insertion order depends on the schedule.
 */
import type { PageTable } from "../../cores/page-table.js";
import type { Tables } from "../../cores/walk.js";
import type { SimEvent } from "../events/index.js";
import type { CoreArea, SharedArea } from "../events/spec.js";
import { EVENT_SPECS, EVENT_TYPES } from "../events/specs.js";
import type { MachineState } from "../state/machine-state.js";
import { fingerprintString } from "./state-set.js";

const names = new Map<string, number>();

/** A stable 32-bit hash of a name (cached: names repeat in every state). */
function nameHash(s: string): number {
  let h = names.get(s);
  if (h === undefined) {
    h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    names.set(s, (h >>>= 0));
  }
  return h;
}

/**
 * nameHash(`${prefix} ${name}`) for lock and task names, cached per prefix without making the string
 * each time (it runs for every lock event and task change).
 */
function prefixedHasher(prefix: string): (name: string) => number {
  const cache = new Map<string, number>();
  return (name) => {
    let h = cache.get(name);
    if (h === undefined) cache.set(name, (h = nameHash(`${prefix} ${name}`)));
    return h;
  };
}
const lockHash = prefixedHasher("lock");
const taskHash = prefixedHasher("task");

const mix = (h: number, v: number): number => Math.imul(h ^ (v | 0) ^ ((v / 4294967296) | 0), 0x9e3779b1) >>> 0;
/** An order-independent contribution of one (key, value) pair. */
const pair = (k: number, v: number): number => mix(mix(0x27d4eb2d, k), v);

/**
 * The order-independent hash of the shared variables; `fingerprint` takes it kept up to date. A
 * variable that is 0 adds nothing (an unset variable reads as 0), so it can be updated from events.
 */
export function varsHash(vars: Record<string, number>): number {
  let b = 0;
  for (const k in vars) if (vars[k] !== 0) b = (b + pair(nameHash(k), vars[k]!)) >>> 0;
  return b;
}

/** varsHash after one variable changed from `old` to `value`. */
export function varsHashUpdate(h: number, name: string, old: number, value: number): number {
  const k = nameHash(name);
  return (h - (old !== 0 ? pair(k, old) : 0) + (value !== 0 ? pair(k, value) : 0)) >>> 0;
}

/** The part of the page tables' hash that one table contributes (summed over tables: order-independent). */
export function tableHash(id: string, t: PageTable): number {
  const th = nameHash(id);
  let b = 0;
  for (const vpn in t) b = (b + pair(mix(th, Number(vpn)), t[vpn]!.pa)) >>> 0;
  return b;
}

/** The hash of all the page tables (enumerating integer keys is slow: `Fingerprinter` keeps it). */
export function tablesHash(tables: Tables): number {
  let b = 0;
  for (const id in tables) b = (b + tableHash(id, tables[id]!)) >>> 0;
  return b;
}

/** One core's part: registers, context, guest, TLB contents. */
function coreHash(s: MachineState, c: number): number {
  const core = s.cores[c]!;
  const r = core.regs;
  let a = mix(mix(mix(mix(0x12345678, nameHash(r.ttbr0)), r.asid), r.vmid), r.irqOn ? 1 : 0);
  a = mix(a, nameHash(core.task));
  if (core.ctx) a = mix(mix(mix(a, nameHash(core.ctx.mm)), core.ctx.generation), core.ctx.asid);
  const h = s.hyp?.cores[c];
  if (h) a = mix(mix(a, h.inGuest ? nameHash(h.vm) : 0), h.gen);
  a = mix(a, core.tlb.length);
  for (const e of core.tlb) a = mix(mix(mix(mix(mix(a, e.vpn), e.asid), e.vmid), e.pa), nameHash(e.table));
  return a;
}

/** The per-core half, in core order, from each core's part. */
function coresHash(s: MachineState, part: (c: number) => number = (c) => coreHash(s, c)): number {
  let a = 0x12345678;
  for (let c = 0; c < s.cores.length; c++) a = mix(a, part(c));
  return a;
}

function locksHash(s: MachineState): number {
  let b = 0;
  for (const k in s.locks) b = (b + pair(lockHash(k), s.locks[k]!)) >>> 0;
  return b;
}

function tasksHash(s: MachineState): number {
  let b = 0;
  for (const k in s.tasks) {
    const t = s.tasks[k]!;
    b = (b + pair(taskHash(k), t.on * 4 + (t.status === "ready" ? 1 : t.status === "running" ? 2 : 3))) >>> 0;
  }
  return b;
}

/** Messages in flight, from message id `from` up (every id below it has been delivered). */
function inflightHash(s: MachineState, from = 0): number {
  let b = 0;
  for (let id = from; id < s.nextMsgId; id++) {
    const m = s.inflight.get(id);
    if (m) b = (b + pair(nameHash(m.kind), m.to * 64 + m.from)) >>> 0;
  }
  return b;
}

/** The fingerprint computed from the whole state (what `Fingerprinter` keeps up to date from events). */
export function fingerprint(s: MachineState): string {
  const b = (varsHash(s.vars) + locksHash(s) + tasksHash(s) + tablesHash(s.tables) + inflightHash(s)) >>> 0;
  return fingerprintString(coresHash(s), b);
}

const initialTableHashes = new WeakMap<Tables, Map<string, number>>();

// What the fingerprint is made of: per core its registers, kernel context, task, guest state and TLB
// contents; shared, the variables, locks, tasks and tables. Which of them an event type changes is read
// from its spec (src/events/*-spec.ts), folded into one lookup per event (observe runs for every event
// of every schedule). A type without an entry (a newer log's) recomputes everything.
const FP_CORE: ReadonlySet<CoreArea> = new Set<CoreArea>(["regs", "ctx", "task", "guest", "tlb"]);
const FP_SHARED: ReadonlySet<SharedArea> = new Set<SharedArea>(["vars", "locks", "tasks", "tables"]);
const CORES_KEEP = 1;
const CORE_OWN = 2;
const SHARED_KEEP = 4;
// A prototype-less object: a property load is cheaper than a Map lookup (as in invariant.ts's checker).
const EFFECT: Record<string, number> = Object.create(null) as Record<string, number>;
for (const t of EVENT_TYPES) {
  const { own, shared } = EVENT_SPECS[t].changes;
  // Changes are to the event's own core (the reducer applies it to `ev.core`).
  EFFECT[t] =
    (own.some((a) => FP_CORE.has(a)) ? CORE_OWN : CORES_KEEP) | (shared.some((a) => FP_SHARED.has(a)) ? 0 : SHARED_KEEP);
}

/**
 * Fingerprints of one execution's states. The per-core half mixes each core's part, recomputed only
 * for cores an event changed since the last state; the shared half is a sum of parts (variables,
 * locks, tasks, tables) kept up to date from the events (`observe` every event after it is applied)
 * plus the messages in flight: a state at every choice point of every schedule is fingerprinted, and
 * enumerating objects with deleted or integer keys is slow. `initial`: the tables the execution starts
 * from (a scenario's, frozen; their hashes are computed once).
 */
export class Fingerprinter {
  private vars: number;
  private locks = 0;
  private tasks: number;
  private tables = 0;
  private readonly perTable: Map<string, number>;
  /** Every message id below this one has been delivered. */
  private lowMsg = 0;
  /** Each core's part, valid where `coreValid` says so. */
  private readonly coreParts: number[];
  private readonly coreValid: boolean[];
  private readonly part = (c: number): number => this.coreParts[c]!;
  /** The halves of the last `compute`. */
  a = 0;
  b = 0;

  private readonly base: Map<string, number>;
  constructor(
    s: MachineState,
    private readonly initial: Tables,
  ) {
    let base = initialTableHashes.get(initial);
    if (!base) {
      base = new Map();
      for (const id in initial) base.set(id, tableHash(id, initial[id]!));
      initialTableHashes.set(initial, base);
    }
    this.base = base;
    this.perTable = new Map(base);
    for (const h of base.values()) this.tables = (this.tables + h) >>> 0;
    this.vars = varsHash(s.vars);
    this.locks = locksHash(s);
    this.tasks = tasksHash(s);
    this.coreParts = new Array<number>(s.cores.length).fill(0);
    this.coreValid = new Array<boolean>(s.cores.length).fill(false);
  }

  observe(s: MachineState, ev: SimEvent): void {
    const effect = EFFECT[ev.type] ?? 0;
    if (!(effect & CORES_KEEP)) {
      // A change to a shared TLB changes each sibling's copy too (src/state/shared-tlb.ts).
      if (effect & CORE_OWN && ev.core >= 0 && !s.tlbSiblings) this.coreValid[ev.core] = false;
      else this.coreValid.fill(false);
    }
    if (effect & SHARED_KEEP) return;
    switch (ev.type) {
      case "var.write":
      case "var.xchg":
      case "var.cmpxchg":
        if (ev.old !== ev.value) this.vars = varsHashUpdate(this.vars, ev.name, ev.old, ev.value);
        return;
      case "lock.acquire":
        this.locks = (this.locks + pair(lockHash(ev.name), ev.core)) >>> 0;
        return;
      case "lock.release":
        // Only the owner releases a lock (the engine refuses anything else).
        this.locks = (this.locks - pair(lockHash(ev.name), ev.core)) >>> 0;
        return;
      case "sched.pick":
      case "sched.yield":
      case "task.exit":
        this.tasks = tasksHash(s);
        return;
      case "pte.write": {
        const h = tableHash(ev.table, s.tables[ev.table]!);
        this.tables = (this.tables - (this.perTable.get(ev.table) ?? 0) + h) >>> 0;
        this.perTable.set(ev.table, h);
        return;
      }
      default:
        this.vars = varsHash(s.vars);
        this.locks = locksHash(s);
        this.tasks = tasksHash(s);
        this.tables = 0;
        this.perTable.clear();
        for (const id in s.tables) {
          const h = tableHash(id, s.tables[id]!);
          this.perTable.set(id, h);
          this.tables = (this.tables + h) >>> 0;
        }
    }
  }

  /** Starts over from `s` (stateful search resumed an execution from a copied state: resume.ts). */
  resync(s: MachineState): void {
    this.coreValid.fill(false);
    this.lowMsg = 0;
    this.vars = varsHash(s.vars);
    this.locks = locksHash(s);
    this.tasks = tasksHash(s);
    this.tables = 0;
    this.perTable.clear();
    for (const id in s.tables) {
      const t = s.tables[id]!;
      // A scenario's frozen table (most of them, in a resumed state): its hash is the initial one.
      const h = Object.isFrozen(t) && this.initial[id] === t ? this.base.get(id)! : tableHash(id, t);
      this.perTable.set(id, h);
      this.tables = (this.tables + h) >>> 0;
    }
  }

  compute(s: MachineState): void {
    while (this.lowMsg < s.nextMsgId && s.inflight.get(this.lowMsg) === undefined) this.lowMsg++;
    for (let c = 0; c < this.coreValid.length; c++) {
      if (this.coreValid[c]) continue;
      this.coreParts[c] = coreHash(s, c);
      this.coreValid[c] = true;
    }
    this.a = coresHash(s, this.part);
    this.b = (this.vars + this.locks + this.tasks + this.tables + inflightHash(s, this.lowMsg)) >>> 0;
  }

  string(s: MachineState): string {
    this.compute(s);
    return fingerprintString(this.a, this.b);
  }
}
