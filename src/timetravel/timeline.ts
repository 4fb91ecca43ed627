/**
 * A loaded log as something to travel in: a cursor (`seek`, `step`, `back`), the state after any number
 * of events (`state`), and the questions a debugger asks of it (`diff`, `why`, `find`, `watch`).
 * Positions count events applied: position 0 is the initial state, position n the state after events
 * 0..n-1, so "at event #N" is position N + 1.
 *
 * Cost: every move is "nearest snapshot at or before the target, plus at most K - 1 applications", or
 * fewer when the cursor is already between that snapshot and the target. `back` is a seek, not a
 * replay from the start.
 */
import type { EventList } from "../log/event-list.js";
import type { MachineState } from "../state/machine-state.js";
import { thaw } from "./copy.js";
import { diffStates, type StateDiff } from "./diff.js";
import { parsePredicate, type EventPredicate } from "./predicate.js";
import { provenance, type Provenance } from "./provenance.js";
import { DEFAULT_K, Snapshots } from "./snapshots.js";
import { finish, SCAN_SLICE, type Scan } from "./scan.js";
import { parseWatch, type WatchExpr } from "./watch.js";

export interface WatchHit {
  expr: string;
  /** The event that changed the value, and the position after it. */
  seq: number;
  position: number;
  from: string;
  to: string;
}

export class Timeline {
  readonly snapshots: Snapshots;
  private pos = 0;
  private cur: MachineState;
  /** Applications made by the last move (tests check it never exceeds K). */
  lastApplied = 0;
  private types: Set<string> | null = null;

  /** `initial` is the state before the first event (the timeline takes it over). */
  /**
   * `k`: the snapshot interval, or the snapshots already made (then `initial` is not used); `types`: the
   * event types of the log when the caller knows them (else found by a scan when asked).
   */
  constructor(
    initial: MachineState | null,
    readonly events: EventList,
    k: number | Snapshots = DEFAULT_K,
    types?: ReadonlySet<string>,
  ) {
    this.snapshots = k instanceof Snapshots ? k : new Snapshots(initial, events, k);
    if (types) this.types = new Set(types);
    this.cur = this.snapshots.stateAt(0);
  }

  get length(): number {
    return this.events.length;
  }
  get k(): number {
    return this.snapshots.k;
  }
  get position(): number {
    return this.pos;
  }
  /** The state at the cursor. Read it, do not change it: the next move reuses it. */
  get current(): Readonly<MachineState> {
    return this.cur;
  }

  private check(n: number): number {
    if (!Number.isInteger(n) || n < 0 || n > this.length) throw new RangeError(`position ${n} is outside 0..${this.length}`);
    return n;
  }

  /** Moves the cursor to position n (clamped to the log) and returns the state there. */
  seek(n: number): Readonly<MachineState> {
    const to = Math.max(0, Math.min(this.length, Math.trunc(n)));
    const base = this.snapshots.baseOf(to);
    if (to >= this.pos && this.pos >= base) {
      this.snapshots.foldInto(this.cur, this.pos, to);
      this.lastApplied = to - this.pos;
    } else {
      this.cur = this.snapshots.stateAt(to);
      this.lastApplied = to - base;
    }
    this.pos = to;
    return this.cur;
  }

  step(k = 1): Readonly<MachineState> {
    return this.seek(this.pos + k);
  }

  back(k = 1): Readonly<MachineState> {
    return this.seek(this.pos - k);
  }

  /** The state after n events, the caller's to keep (the cursor does not move). */
  state(n: number): MachineState {
    this.check(n);
    return n === this.pos ? thaw(this.cur) : this.snapshots.stateAt(n);
  }

  /** What changed from position a to position b. */
  diff(a: number, b: number): StateDiff {
    return diffStates(this.state(a), this.state(b));
  }

  /** The TLB entry core `core` would use for `va` at position n, and where it came from. */
  why(n: number, core: number, va: number): Provenance {
    return provenance(this.state(n), core, va, this.events, (m) => this.state(m));
  }

  /** Event types of this log (for predicates that name a type the built-in list does not know yet). */
  eventTypes(): Set<string> {
    if (!this.types) {
      this.types = new Set();
      for (const e of this.events) this.types.add(e.type);
    }
    return this.types;
  }

  predicate(text: string): EventPredicate {
    return parsePredicate(text, this.eventTypes());
  }

  /** Sequence numbers of matching events from `from` (inclusive) in the given direction, at most `limit`. */
  find(pred: EventPredicate, from = 0, dir: 1 | -1 = 1, limit = Infinity): number[] {
    return finish(this.scanFind(pred, from, dir, limit));
  }

  /** `find` as a scan that pauses every SCAN_SLICE events (scan.ts). */
  *scanFind(pred: EventPredicate, from = 0, dir: 1 | -1 = 1, limit = Infinity): Scan<number[]> {
    const out: number[] = [];
    let since = 0;
    for (let i = from; i >= 0 && i < this.length && out.length < limit; i += dir) {
      if (pred(this.events.at(i)!)) out.push(i);
      if (++since === SCAN_SLICE) {
        since = 0;
        yield;
      }
    }
    return out;
  }

  watchExpr(text: string): WatchExpr {
    // Names are checked against the last state: variables only appear, never go.
    return parseWatch(text, this.state(this.length));
  }

  /** The first event after position `from` that changes the value, or null. */
  watchForward(expr: WatchExpr, from: number): WatchHit | null {
    return finish(this.scanWatchForward(expr, from));
  }

  *scanWatchForward(expr: WatchExpr, from: number): Scan<WatchHit | null> {
    const s = this.state(this.check(from));
    const v0 = expr.read(s);
    for (let n = from; n < this.length; n++) {
      this.snapshots.foldInto(s, n, n + 1);
      const v = expr.read(s);
      if (v !== v0) return { expr: expr.text, seq: n, position: n + 1, from: v0, to: v };
      if ((n - from) % SCAN_SLICE === SCAN_SLICE - 1) yield;
    }
    return null;
  }

  /**
   * The last event before position `from` that changed the value (to what it is at `from`), or null.
   * Goes back one snapshot interval at a time, folding each forward once.
   */
  watchBackward(expr: WatchExpr, from: number): WatchHit | null {
    return finish(this.scanWatchBackward(expr, from));
  }

  *scanWatchBackward(expr: WatchExpr, from: number): Scan<WatchHit | null> {
    this.check(from);
    let target = expr.read(this.state(from));
    let hi = from;
    while (hi > 0) {
      const lo = this.snapshots.baseOf(hi - 1);
      const s = this.snapshots.stateAt(lo);
      const values = [expr.read(s)];
      for (let n = lo; n < hi; n++) {
        this.snapshots.foldInto(s, n, n + 1);
        values.push(expr.read(s));
      }
      // values[i] is the value at position lo + i; values[hi - lo] equals `target`.
      for (let i = hi - lo - 1; i >= 0; i--) {
        if (values[i] !== target)
          return { expr: expr.text, seq: lo + i, position: lo + i + 1, from: values[i]!, to: values[i + 1]! };
      }
      target = values[0]!;
      hi = lo;
      // One snapshot interval (K events) per slice.
      yield;
    }
    return null;
  }
}
