/**
 * Items at slots in option order (the messages in flight, by id), each with a fixed time (when it can be
 * delivered) and whether it is offered (an IPI is not while its receiver masks interrupts), that answer the choosers'
 * questions in O(log n) without a pass over the items: how many are offered, the k-th offered, the
 * earliest time of an offered item, how many offered items are due by a horizon (time ≤ horizon) and
 * the k-th of those. Whether an item is due is kept against the last horizon asked about. The horizon
 * (the earliest ready time plus the scheduling window) mostly stays or moves later: a later one takes
 * the items whose time it passes off a heap of the items after the old one; an earlier one, which comes
 * about once per hundred steps (an IPI held back and let through, a core unblocked), looks at every item.
 */
import { FlagTree } from "./flag-tree.js";
import { TimeHeap } from "./time-heap.js";

export class DueIndex {
  private readonly time: Float64Array;
  private readonly live: Uint8Array;
  /** Whether the slot's time was at or below `horizon` when it was last looked at. */
  private readonly le: Uint8Array;
  private readonly offered: FlagTree;
  /** Offered and due by `horizon`. */
  private readonly due: FlagTree;
  /** Live slots after the horizon, least time first. */
  private readonly later = new TimeHeap();
  /** Offered slots, least time first (for the earliest time). */
  private readonly first = new TimeHeap();
  private nLive = 0;
  /**
   * The live slots lie in [lo, hi): an earlier horizon looks at those only. (The slots are messages by
   * id from the oldest in flight, ReadySet's window, and they fill towards the end: at 64 cores with
   * shootdowns a pass over all of them, a few thousand slots with a few hundred live, was 5 % of a run.)
   */
  private lo = 0;
  private hi = 0;
  /** Marks of a compaction pass (one entry per slot is kept). */
  private readonly seen: Uint32Array;
  private pass = 0;

  constructor(
    readonly size: number,
    private horizon = -Infinity,
  ) {
    this.time = new Float64Array(size);
    this.live = new Uint8Array(size);
    this.le = new Uint8Array(size);
    this.offered = new FlagTree(size);
    this.due = new FlagTree(size);
    this.seen = new Uint32Array(size);
  }

  get offeredCount(): number {
    return this.offered.total;
  }
  isLive(slot: number): boolean {
    return this.live[slot] === 1;
  }
  isOffered(slot: number): boolean {
    return this.offered.has(slot);
  }
  get lastHorizon(): number {
    return this.horizon;
  }

  /** An item comes to a free slot. */
  put(slot: number, time: number, offered: boolean): void {
    this.live[slot] = 1;
    if (this.nLive++ === 0) {
      this.lo = slot;
      this.hi = slot + 1;
    } else if (slot < this.lo) this.lo = slot;
    else if (slot >= this.hi) this.hi = slot + 1;
    this.time[slot] = time;
    const le = time <= this.horizon;
    this.le[slot] = le ? 1 : 0;
    if (!le) this.later.push(time, slot);
    this.setOffered(slot, offered);
    this.tidy();
  }

  remove(slot: number): void {
    this.setOffered(slot, false);
    this.live[slot] = 0;
    this.nLive--;
  }

  setOffered(slot: number, on: boolean): void {
    if (this.offered.has(slot) === on) return;
    this.offered.set(slot, on);
    this.due.set(slot, on && this.le[slot] === 1);
    if (on) this.first.push(this.time[slot]!, slot);
  }

  /** The least time of an offered item (Infinity with none). */
  earliest(): number {
    const h = this.first;
    while (h.length > 0 && !this.current(h.topTime, h.topSlot, true)) h.pop();
    return h.length > 0 ? h.topTime : Infinity;
  }

  /** How many offered items are due by `horizon`. */
  dueBy(horizon: number): number {
    this.sync(horizon);
    return this.due.total;
  }

  /** Slot of the k-th (from 0, in slot order) offered item due by `horizon`. */
  kthDue(horizon: number, k: number): number {
    this.sync(horizon);
    return this.due.kth(k);
  }

  kthOffered(k: number): number {
    return this.offered.kth(k);
  }
  offeredBefore(slot: number): number {
    return this.offered.before(slot);
  }

  /** Whether a heap entry still stands for its slot: live, at that time (and offered, for `first`). */
  private current(time: number, slot: number, offered: boolean): boolean {
    return this.live[slot] === 1 && this.time[slot] === time && (!offered || this.offered.has(slot));
  }

  private sync(horizon: number): void {
    if (horizon === this.horizon) return;
    if (horizon < this.horizon) {
      // Every item again; the ones now after the horizon go (back) on the heap.
      while (this.lo < this.hi && this.live[this.lo] === 0) this.lo++;
      for (let s = this.lo; s < this.hi; s++) {
        if (this.live[s] === 0 || this.le[s] === 0 || this.time[s]! <= horizon) continue;
        this.le[s] = 0;
        this.due.set(s, false);
        this.later.push(this.time[s]!, s);
      }
      this.horizon = horizon;
      this.tidy();
      return;
    }
    this.horizon = horizon;
    const h = this.later;
    while (h.length > 0 && h.topTime <= horizon) {
      const t = h.topTime;
      const s = h.topSlot;
      h.pop();
      if (!this.current(t, s, false) || this.le[s] !== 0) continue;
      this.le[s] = 1;
      this.due.set(s, this.offered.has(s));
    }
  }

  /** Compacts a heap whose stale entries outnumber the live slots (one current entry per slot stays). */
  private tidy(): void {
    const bound = 4 * this.nLive + 1024;
    if (this.later.length > bound) this.compact(this.later, 0, false);
    if (this.first.length > bound) this.compact(this.first, -1, true);
  }

  private compact(h: TimeHeap, le: number, offered: boolean): void {
    const pass = ++this.pass;
    h.compact((t, s) => {
      if (!this.current(t, s, offered) || (le >= 0 && this.le[s] !== le) || this.seen[s] === pass) return false;
      this.seen[s] = pass;
      return true;
    });
  }
}
