/**
 * Snapshots every K events: the state after 0, K, 2K, ... events, immutable and sharing unchanged parts
 * with each other (copy.ts). They are a cache of the fold, never the truth (DESIGN.md): built by one
 * plain fold with the fast mutable reducer (`applyInPlace`, no immer on the per-event path), and a state
 * is always "the nearest snapshot at or before it, plus at most K - 1 applications".
 */
import type { SimEvent } from "../events/index.js";
import type { EventList } from "../log/event-list.js";
import { applyLogged } from "../log/apply-logged.js";
import { applyInPlace } from "../state/apply.js";
import type { MachineState } from "../state/machine-state.js";
import { snapshotOf, thaw } from "./copy.js";

/**
 * Events between snapshots when the caller does not choose. Measured on the bench's log (the default
 * scenario scaled to 1,016,571 events, 4 cores, 32-entry TLBs; 2,000 random seeks, node --expose-gc):
 *   K =    64: 15,884 snapshots, 70.5 MB, seek median 0.051 ms, p99 0.097 ms
 *   K =   256:  3,971 snapshots, 28.3 MB, seek median 0.053 ms, p99 0.103 ms
 *   K =  1024:    993 snapshots,  9.6 MB, seek median 0.070 ms, p99 0.187 ms
 *   K =  4096:    249 snapshots,  3.4 MB, seek median 0.144 ms, p99 0.323 ms
 *   K = 16384:     63 snapshots,  1.3 MB, seek median 0.459 ms, p99 1.032 ms
 * Below about a thousand, copying the snapshot out costs more than the applications, so a smaller K
 * buys almost nothing and costs memory; 1024 keeps seeks far under the targets (median ≤ 10 ms,
 * p99 ≤ 50 ms) with the snapshots a few percent of the loaded log (about 240 MB RSS, mostly events),
 * and leaves room for machines with more cores and bigger TLBs, whose snapshots are larger.
 */
export const DEFAULT_K = 1024;

/**
 * Snapshots made while the events are read for the first time (open.ts reads a log once: checking,
 * indexing and folding in one pass). `add` each event in order, then `done`.
 */
export class SnapshotBuilder {
  private readonly list: MachineState[] = [];
  private prev: MachineState;
  private n = 0;

  /** `initial` is used up as the working copy. */
  constructor(
    private readonly s: MachineState,
    readonly k: number,
  ) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`snapshot interval K must be a positive integer, got ${k}`);
    this.list.push((this.prev = snapshotOf(s, undefined)));
  }

  add(ev: SimEvent): void {
    applyLogged(this.s, ev);
    if (++this.n % this.k === 0) this.list.push((this.prev = snapshotOf(this.s, this.prev)));
  }

  /** The snapshots over `events`, the events added (a file-backed list of them, say). */
  done(events: EventList): Snapshots {
    if (events.length !== this.n) throw new RangeError(`snapshots of ${this.n} events, not of ${events.length}`);
    return new Snapshots(null, events, this.k, this.list);
  }
}

export class Snapshots {
  /** `list[i]` is the state after i·K events. */
  private readonly list: MachineState[];

  /** Folds every event once from `initial` (which it uses up as its working copy); `built`: already folded. */
  constructor(
    initial: MachineState | null,
    private readonly events: EventList,
    readonly k: number,
    built?: MachineState[],
  ) {
    if (built) {
      this.list = built;
      return;
    }
    const b = new SnapshotBuilder(initial!, k);
    for (let n = 0; n < events.length; n++) b.add(events.at(n)!);
    this.list = b.done(events).list;
  }

  get count(): number {
    return this.list.length;
  }

  /** The number of events the nearest snapshot at or before `n` has applied. */
  baseOf(n: number): number {
    return Math.floor(n / this.k) * this.k;
  }

  /** The snapshot after `i·K` events (immutable: frozen, shared with its neighbours). */
  at(i: number): MachineState {
    const s = this.list[i];
    if (!s) throw new RangeError(`no snapshot ${i} (there are ${this.list.length})`);
    return s;
  }

  /** A mutable state after `n` events: a copy of the nearest snapshot plus at most K - 1 applications. */
  stateAt(n: number): MachineState {
    const base = this.baseOf(n);
    const s = thaw(this.at(base / this.k));
    this.foldInto(s, base, n);
    return s;
  }

  /** Applies events [from, to) to `s` in place. */
  foldInto(s: MachineState, from: number, to: number): void {
    for (let i = from; i < to; i++) applyInPlace(s, this.events.at(i)!);
  }
}
