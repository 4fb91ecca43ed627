/**
 * The engine's ready work, kept from step to step instead of listed afresh: the cores that can step
 * (ascending) and the messages that can be delivered (ascending id, the order `for...in` visits
 * `state.inflight`), which together are the step options in the order the engine has always offered
 * them, so logs and schedules stay as they were. The ready set changes by one or a few items per step:
 * a send appends (ids are handed out in order), a delivery removes one message, and a core's
 * readiness is looked at again only after an event on that core or, for a core waiting on something
 * shared (a lock, a ready task), after every step. At 64 cores with broadcast shootdowns the listing
 * afresh cost most of the run (every core and every message in flight at every step).
 */
import type { BusMessage } from "../../bus/messages.js";

/** Inserts v into the ascending list; whether it was not there. */
function insertSorted(a: number[], v: number): boolean {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  if (a[lo] === v) return false;
  a.splice(lo, 0, v);
  return true;
}

/** Removes v from the ascending list; whether it was there. */
function removeSorted(a: number[], v: number): boolean {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  if (a[lo] !== v) return false;
  a.splice(lo, 1);
  return true;
}

/** Index of the message with id `id` in an id-ascending list, or where it would go. */
function searchId(msgs: readonly BusMessage[], id: number): number {
  let lo = 0;
  let hi = msgs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (msgs[mid]!.id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index past the last message ready by `horizon` in a deliverAt-ascending list. */
function searchDue(msgs: readonly BusMessage[], horizon: number): number {
  let lo = 0;
  let hi = msgs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (msgs[mid]!.deliverAt <= horizon) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * What a chooser may ask of the ready items without listing them: the steps come first (cores, then
 * messages), the speculative walks last.
 */
export interface ReadyView {
  readonly steps: number;
  readonly specs: number;
  /** The earliest time a step is ready at (Infinity with none). */
  earliest(): number;
  /** How many steps are ready by `horizon`. */
  countBy(horizon: number): number;
  /** The option index of the k-th (from 0) step ready by `horizon`, in option order. */
  indexBy(horizon: number, k: number): number;
}

export class ReadySet implements ReadyView {
  /** Cores that can step now, ascending. */
  readonly cores: number[] = [];
  /** Messages that can be delivered now, ascending id. */
  readonly msgs: BusMessage[] = [];
  /** IPIs held back because their receiver has interrupts masked, per receiver, ascending id. */
  private readonly held: BusMessage[][];
  /** Each core's CPSR.I as the lists last saw it (an IPI to it is ready only with interrupts on). */
  private readonly irqOn: boolean[];

  /**
   * The ready messages grouped by latency (deliverAt - sentAt), ascending id. Messages are sent at a
   * clock that never goes back, so each group is also in deliverAt order: the ones ready by a time are a
   * prefix, found by binary search (and with one group, as TLBIs and acks of equal latency make, a
   * prefix of `msgs` itself). `monotone` turns false if that ever fails, and then the view scans.
   */
  private readonly byKind = new Map<number, BusMessage[]>();
  private monotone = true;
  specs = 0;

  constructor(
    cores: number,
    irqOn: (c: number) => boolean,
    /** When each core is ready to step next (the engine's array, read live). */
    private readonly readyAt: readonly number[],
  ) {
    this.held = Array.from({ length: cores }, () => []);
    this.due = new Int32Array(cores);
    this.irqOn = Array.from({ length: cores }, (_, c) => irqOn(c));
  }

  /**
   * The least and the greatest readyAt of the ready cores, kept as cores come and step (a step only
   * moves its core's readyAt later) and found by a pass only after the least one moved or a core left:
   * the earliest time and "are all ready cores due" then cost no pass over 64 cores at every step.
   */
  private minAt = Infinity;
  private maxAt = -Infinity;
  private boundsValid = false;

  private bounds(): void {
    if (this.boundsValid) return;
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of this.cores) {
      const t = this.readyAt[c]!;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    this.minAt = lo;
    this.maxAt = hi;
    this.boundsValid = true;
  }

  setCore(c: number, ready: boolean): void {
    if (ready) {
      if (insertSorted(this.cores, c) && this.boundsValid) {
        const t = this.readyAt[c]!;
        if (t < this.minAt) this.minAt = t;
        if (t > this.maxAt) this.maxAt = t;
      }
    } else if (removeSorted(this.cores, c)) this.boundsValid = false;
  }

  /** Core c's readyAt went from `was` to a later time (it stepped). */
  coreMoved(c: number, was: number): void {
    if (!this.boundsValid) return;
    if (was <= this.minAt) this.boundsValid = false;
    else if (this.readyAt[c]! > this.maxAt) this.maxAt = this.readyAt[c]!;
  }

  /** A message just sent (its id is above every message's in the lists). */
  sent(m: BusMessage): void {
    if (m.kind === "ipi" && !this.irqOn[m.to]) this.held[m.to]!.push(m);
    else {
      this.msgs.push(m);
      this.addKind(m);
    }
  }

  /** `at`: where it is in `msgs`, when the caller knows (the step's option index). */
  delivered(m: BusMessage, at = -1): void {
    const i = at >= 0 && this.msgs[at] === m ? at : searchId(this.msgs, m.id);
    if (this.msgs[i] === m) {
      this.msgs.splice(i, 1);
      const list = this.byKind.get(m.deliverAt - m.sentAt)!;
      list.splice(searchId(list, m.id), 1);
    }
  }

  private addKind(m: BusMessage): void {
    const group = m.deliverAt - m.sentAt;
    let list = this.byKind.get(group);
    if (!list) this.byKind.set(group, (list = []));
    const i = searchId(list, m.id);
    if (i > 0 && list[i - 1]!.deliverAt > m.deliverAt) this.monotone = false;
    if (i < list.length && list[i]!.deliverAt < m.deliverAt) this.monotone = false;
    list.splice(i, 0, m);
  }

  get steps(): number {
    return this.cores.length + this.msgs.length;
  }

  earliest(): number {
    this.bounds();
    let e = this.minAt;
    if (!this.monotone) {
      for (const m of this.msgs) if (m.deliverAt < e) e = m.deliverAt;
      return e;
    }
    for (const list of this.byKind.values()) if (list.length > 0 && list[0]!.deliverAt < e) e = list[0]!.deliverAt;
    return e;
  }

  /** Positions in `cores` of the cores due by `dueHorizon` (countBy fills it, indexBy reads it: one pass per step). */
  private readonly due: Int32Array;
  private nDue = 0;
  private dueHorizon = NaN;

  /** Every ready core is due by dueHorizon: `due` is not filled (position k is the k-th due core). */
  private allDue = false;

  private coresDue(horizon: number): number {
    if (horizon === this.dueHorizon) return this.nDue;
    const cores = this.cores;
    this.bounds();
    this.dueHorizon = horizon;
    this.allDue = this.maxAt <= horizon;
    if (this.allDue) return (this.nDue = cores.length);
    let n = 0;
    for (let i = 0; i < cores.length; i++) if (this.readyAt[cores[i]!]! <= horizon) this.due[n++] = i;
    this.nDue = n;
    this.dueHorizon = horizon;
    return n;
  }

  /** Called when the lists or a core's readyAt may have changed (before each step's choice). */
  stale(): void {
    this.dueHorizon = NaN;
  }

  countBy(horizon: number): number {
    let n = this.coresDue(horizon);
    if (!this.monotone) {
      for (const m of this.msgs) if (m.deliverAt <= horizon) n++;
      return n;
    }
    for (const list of this.byKind.values()) n += searchDue(list, horizon);
    return n;
  }

  indexBy(horizon: number, k: number): number {
    const cores = this.cores;
    const nc = this.coresDue(horizon);
    if (k < nc) return this.allDue ? k : this.due[k]!;
    k -= nc;
    const msgs = this.msgs;
    if (!this.monotone) {
      for (let i = 0; i < msgs.length; i++) if (msgs[i]!.deliverAt <= horizon && k-- === 0) return cores.length + i;
      return -1;
    }
    // The due messages of each kind are a prefix of its list; the k-th due one in id order is the first
    // message of `msgs` with k + 1 due messages at or below its id.
    const prefixes: BusMessage[][] = [];
    const lengths: number[] = [];
    for (const list of this.byKind.values()) {
      if (list.length === 0) continue;
      prefixes.push(list);
      lengths.push(searchDue(list, horizon));
    }
    let total = 0;
    for (const n of lengths) total += n;
    // Every message in flight due, or all of one latency (the due ones a prefix): the k-th due is the k-th.
    if (total === msgs.length || prefixes.length === 1) return cores.length + k;
    let lo = 0;
    let hi = msgs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const id = msgs[mid]!.id;
      let due = 0;
      for (let j = 0; j < prefixes.length; j++) due += Math.min(lengths[j]!, searchId(prefixes[j]!, id + 1));
      if (due >= k + 1) hi = mid;
      else lo = mid + 1;
    }
    return cores.length + lo;
  }

  /** After an event on core c: IPIs to it become ready or are held back when its interrupts change. */
  irqChanged(c: number, on: boolean): void {
    if (this.irqOn[c] === on) return;
    this.irqOn[c] = on;
    const msgs = this.msgs;
    if (on) {
      for (const m of this.held[c]!) {
        msgs.splice(searchId(msgs, m.id), 0, m);
        this.addKind(m);
      }
      this.held[c]!.length = 0;
      return;
    }
    const held = this.held[c]!;
    let w = 0;
    for (let r = 0; r < msgs.length; r++) {
      const m = msgs[r]!;
      if (m.kind === "ipi" && m.to === c) held.push(m);
      else msgs[w++] = m;
    }
    msgs.length = w;
    for (const list of this.byKind.values()) {
      w = 0;
      for (let r = 0; r < list.length; r++) {
        const m = list[r]!;
        if (m.kind !== "ipi" || m.to !== c) list[w++] = m;
      }
      list.length = w;
    }
  }
}
