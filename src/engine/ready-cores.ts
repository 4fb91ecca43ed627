/**
 * The cores that can step, ascending, and which of them are due by a horizon (readyAt ≤ horizon), as
 * bit sets: a step moves one core later and the horizon (the earliest ready time plus the scheduling
 * window) stays put at most steps, so the due cores are kept instead of found by a pass over every core
 * at every step (at 64 cores that pass was a twentieth of a run).
 */
const popcount = (w: number): number => {
  w -= (w >>> 1) & 0x55555555;
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

export class ReadyCores {
  /** Cores that can step now, ascending. */
  readonly cores: number[] = [];
  private readonly ready: Uint32Array;
  private readonly due: Uint32Array;
  private nDue = 0;
  private horizon = NaN;
  /** The least and the greatest readyAt of the ready cores, found again only after the least moved or a core left. */
  private minAt = Infinity;
  private maxAt = -Infinity;
  private boundsValid = false;

  constructor(
    n: number,
    /** When each core is ready to step next (the engine's array, read live). */
    private readonly readyAt: readonly number[],
  ) {
    this.ready = new Uint32Array((n + 31) >>> 5);
    this.due = new Uint32Array((n + 31) >>> 5);
  }

  isReady(c: number): boolean {
    return (this.ready[c >>> 5]! & (1 << (c & 31))) !== 0;
  }

  set(c: number, ready: boolean): void {
    if (this.isReady(c) === ready) return;
    const w = c >>> 5;
    const bit = 1 << (c & 31);
    const cores = this.cores;
    let lo = 0;
    let hi = cores.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cores[mid]! < c) lo = mid + 1;
      else hi = mid;
    }
    if (ready) {
      cores.splice(lo, 0, c);
      this.ready[w]! |= bit;
      const t = this.readyAt[c]!;
      if (this.boundsValid) {
        if (t < this.minAt) this.minAt = t;
        if (t > this.maxAt) this.maxAt = t;
      }
    } else {
      cores.splice(lo, 1);
      this.ready[w]! &= ~bit;
      this.boundsValid = false;
    }
    this.setDue(c, ready && this.readyAt[c]! <= this.horizon);
  }

  /** Core c's readyAt went from `was` to a later time (it stepped). */
  moved(c: number, was: number): void {
    const t = this.readyAt[c]!;
    if (this.boundsValid) {
      if (was <= this.minAt) this.boundsValid = false;
      else if (t > this.maxAt) this.maxAt = t;
    }
    this.setDue(c, this.isReady(c) && t <= this.horizon);
  }

  private setDue(c: number, due: boolean): void {
    const w = c >>> 5;
    const bit = 1 << (c & 31);
    const was = (this.due[w]! & bit) !== 0;
    if (was === due) return;
    if (due) this.due[w]! |= bit;
    else this.due[w]! &= ~bit;
    this.nDue += due ? 1 : -1;
  }

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

  earliest(): number {
    this.bounds();
    return this.minAt;
  }

  /** How many ready cores are due by `horizon`. */
  dueBy(horizon: number): number {
    if (horizon === this.horizon) return this.nDue;
    this.horizon = horizon;
    this.bounds();
    const due = this.due;
    if (this.maxAt <= horizon) {
      for (let w = 0; w < due.length; w++) due[w] = this.ready[w]!;
      return (this.nDue = this.cores.length);
    }
    for (let w = 0; w < due.length; w++) due[w] = 0;
    let n = 0;
    for (const c of this.cores) {
      if (this.readyAt[c]! > horizon) continue;
      due[c >>> 5]! |= 1 << (c & 31);
      n++;
    }
    return (this.nDue = n);
  }

  /** Position in `cores` of the k-th (from 0) core due by `horizon`. */
  kthDue(horizon: number, k: number): number {
    if (this.dueBy(horizon) === this.cores.length) return k;
    const due = this.due;
    for (let w = 0; w < due.length; w++) {
      let bits = due[w]!;
      const n = popcount(bits);
      if (k >= n) {
        k -= n;
        continue;
      }
      for (; k > 0; k--) bits &= bits - 1;
      const b = 31 - Math.clz32(bits & -bits);
      // Ready cores below it: whole words, then this word's lower bits.
      let pos = 0;
      for (let v = 0; v < w; v++) pos += popcount(this.ready[v]!);
      return pos + (b === 0 ? 0 : popcount(this.ready[w]! & ((1 << b) - 1)));
    }
    return -1;
  }
}
