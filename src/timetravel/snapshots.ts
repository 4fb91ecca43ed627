/**
 * Snapshots every K events: the state after 0, K, 2K, ... events, immutable and sharing unchanged parts
 * with each other (copy.ts). They are a cache of the fold, never the truth (DESIGN.md): built by one
 * plain fold with the fast mutable reducer (`applyInPlace`, no immer on the per-event path), and a state
 * is always "the nearest snapshot at or before it, plus at most K - 1 applications".
 */
import type { SimEvent } from "../events/index.js";
import { applyInPlace } from "../state/apply.js";
import type { MachineState } from "../state/machine-state.js";
import { snapshotOf, thaw } from "./copy.js";

/**
 * Events between snapshots when the caller does not choose. With the default scenario scaled to
 * 1,016,571 events (npm run bench), K = 1024 gives seeks of about 0.3 ms median and 0.5 ms p99 and
 * adds about 10 MB of snapshots to the 240 MB of the loaded events; a smaller K buys little (the
 * copy-out of a snapshot, not the applications, dominates below a few hundred) and costs memory.
 */
export const DEFAULT_K = 1024;

export class Snapshots {
  /** `list[i]` is the state after i·K events. */
  private readonly list: MachineState[] = [];

  /** Folds every event once from `initial` (which it uses up as its working copy). */
  constructor(initial: MachineState, private readonly events: readonly SimEvent[], readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`snapshot interval K must be a positive integer, got ${k}`);
    const s = initial;
    let prev: MachineState | undefined;
    for (let n = 0; ; n++) {
      if (n % k === 0) this.list.push((prev = snapshotOf(s, prev)));
      if (n === events.length) break;
      applyInPlace(s, events[n]!);
    }
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
    for (let i = from; i < to; i++) applyInPlace(s, this.events[i]!);
  }
}
