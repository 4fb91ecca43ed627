/**
 * A set of 64-bit state fingerprints (two 32-bit halves), for exploration's "distinct states seen": it
 * takes an element at every choice point of every schedule, so it stores the halves in typed arrays
 * (open addressing, linear probing) instead of making and hashing a string per state.
 */
export class StateSet {
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  private used = new Uint8Array(1024);
  private n = 0;
  /** A new state arrived when `limit` were held: `size` is then a lower bound. */
  capped = false;

  /**
   * `limit`: the most fingerprints kept (about 18 bytes each), so that a long search of a large scenario
   * stays within memory: a search's memory is bounded by its depth, not by the states it has seen.
   */
  constructor(readonly limit = DEFAULT_STATE_LIMIT) {}

  get size(): number {
    return this.n;
  }

  /** Adds the fingerprint (a, b); false when it was there already (or the set is full). */
  add(a: number, b: number): boolean {
    const mask = this.used.length - 1;
    // The halves are already mixed hashes: fold them for the slot.
    for (let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      if (!this.used[i]) {
        if (this.n >= this.limit) {
          this.capped = true;
          return false;
        }
        this.used[i] = 1;
        this.hi[i] = a;
        this.lo[i] = b;
        if (++this.n * 2 > this.used.length) this.grow();
        return true;
      }
      if (this.hi[i] === a && this.lo[i] === b) return false;
    }
  }

  /** The fingerprints as two packed arrays of halves (compact, to send from a worker thread). */
  packed(): PackedStates {
    const hi = new Uint32Array(this.n);
    const lo = new Uint32Array(this.n);
    let j = 0;
    for (let i = 0; i < this.used.length; i++) {
      if (this.used[i]) {
        hi[j] = this.hi[i]!;
        lo[j++] = this.lo[i]!;
      }
    }
    return { hi, lo, capped: this.capped };
  }

  /** Adds another set's packed fingerprints (merging workers' coverage). */
  addPacked(p: PackedStates): void {
    for (let i = 0; i < p.hi.length; i++) this.add(p.hi[i]!, p.lo[i]!);
    if (p.capped) this.capped = true;
  }

  /** Every fingerprint in the form `fingerprintString` gives. */
  strings(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.used.length; i++) if (this.used[i]) out.push(fingerprintString(this.hi[i]!, this.lo[i]!));
    return out;
  }

  private grow(): void {
    const { hi, lo, used } = this;
    this.hi = new Uint32Array(used.length * 2);
    this.lo = new Uint32Array(used.length * 2);
    this.used = new Uint8Array(used.length * 2);
    this.n = 0;
    for (let i = 0; i < used.length; i++) if (used[i]) this.add(hi[i]!, lo[i]!);
  }
}

export interface PackedStates {
  hi: Uint32Array;
  lo: Uint32Array;
  capped: boolean;
}

/** 2^23 fingerprints: about 300 MB at the set's largest (the typed arrays double as it grows). */
export const DEFAULT_STATE_LIMIT = 1 << 23;

/** The printable form of a fingerprint's halves. */
export const fingerprintString = (a: number, b: number): string => a.toString(36) + "." + b.toString(36);
