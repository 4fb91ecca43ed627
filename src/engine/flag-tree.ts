/**
 * Flags over positions 0..size-1 as a Fenwick tree (P. M. Fenwick, "A new data structure for cumulative
 * frequency tables", Software: Practice and Experience 24(3), 1994): set a flag, count the flags before
 * a position and find the k-th flag, each in O(log size), where a sorted list would splice or scan.
 */
export class FlagTree {
  private readonly tree: Int32Array;
  private readonly flags: Uint8Array;
  /** The highest power of two not above size (where a k-th search starts). */
  private readonly top: number;
  total = 0;

  constructor(readonly size: number) {
    this.tree = new Int32Array(size + 1);
    this.flags = new Uint8Array(size);
    let top = 1;
    while (top * 2 <= size) top *= 2;
    this.top = size === 0 ? 0 : top;
  }

  has(pos: number): boolean {
    return this.flags[pos] === 1;
  }

  set(pos: number, on: boolean): void {
    const v = on ? 1 : 0;
    if (this.flags[pos] === v) return;
    this.flags[pos] = v;
    const d = on ? 1 : -1;
    this.total += d;
    for (let i = pos + 1; i <= this.size; i += i & -i) this.tree[i]! += d;
  }

  /** How many flags are set at positions below `pos`. */
  before(pos: number): number {
    let n = 0;
    for (let i = pos; i > 0; i -= i & -i) n += this.tree[i]!;
    return n;
  }

  /** Position of the k-th (from 0) set flag (size when there are not k + 1). */
  kth(k: number): number {
    let pos = 0;
    let rest = k + 1;
    for (let step = this.top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= this.size && this.tree[next]! < rest) {
        pos = next;
        rest -= this.tree[next]!;
      }
    }
    return pos;
  }
}
