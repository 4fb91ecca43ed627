/**
 * A binary min-heap of (time, slot) entries, whose owner drops
 * stale entries lazily: it pushes a fresh entry when a slot's time or state changes and skips the old
 * ones when they come to the top, and compacts when stale entries outnumber the live ones.
 */
export class TimeHeap {
  private readonly times: number[] = [];
  private readonly slots: number[] = [];

  get length(): number {
    return this.times.length;
  }
  get topTime(): number {
    return this.times[0]!;
  }
  get topSlot(): number {
    return this.slots[0]!;
  }

  push(time: number, slot: number): void {
    const { times, slots } = this;
    let i = times.length;
    times.push(time);
    slots.push(slot);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time >= times[p]!) break;
      times[i] = times[p]!;
      slots[i] = slots[p]!;
      i = p;
    }
    times[i] = time;
    slots[i] = slot;
  }

  pop(): void {
    const { times, slots } = this;
    const t = times.pop()!;
    const s = slots.pop()!;
    if (times.length === 0) return;
    this.siftDown(0, t, s);
  }

  private siftDown(from: number, t: number, s: number): void {
    const { times, slots } = this;
    const n = times.length;
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && times[r]! < times[l]! ? r : l;
      if (times[m]! >= t) break;
      times[i] = times[m]!;
      slots[i] = slots[m]!;
      i = m;
    }
    times[i] = t;
    slots[i] = s;
  }

  /** Keeps only the entries `keep` accepts, and restores the heap order. */
  compact(keep: (time: number, slot: number) => boolean): void {
    const { times, slots } = this;
    let w = 0;
    for (let r = 0; r < times.length; r++) {
      if (!keep(times[r]!, slots[r]!)) continue;
      times[w] = times[r]!;
      slots[w] = slots[r]!;
      w++;
    }
    times.length = w;
    slots.length = w;
    for (let i = (w >> 1) - 1; i >= 0; i--) this.siftDown(i, times[i]!, slots[i]!);
  }
}
