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

  get size(): number {
    return this.n;
  }

  /** Adds the fingerprint (a, b); false when it was there already. */
  add(a: number, b: number): boolean {
    const mask = this.used.length - 1;
    // The halves are already mixed hashes: fold them for the slot.
    for (let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      if (!this.used[i]) {
        this.used[i] = 1;
        this.hi[i] = a;
        this.lo[i] = b;
        if (++this.n * 2 > this.used.length) this.grow();
        return true;
      }
      if (this.hi[i] === a && this.lo[i] === b) return false;
    }
  }

  /** Every fingerprint in the form `fingerprintString` gives (to merge sets across workers). */
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

/** The printable form of a fingerprint's halves. */
export const fingerprintString = (a: number, b: number): string => a.toString(36) + "." + b.toString(36);
