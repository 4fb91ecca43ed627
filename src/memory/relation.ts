/** A binary relation on events 0..n-1 as a bit matrix, with the one query the model needs: is it acyclic. */
export class Relation {
  readonly words: number;
  readonly bits: Uint32Array;

  constructor(
    readonly n: number,
    bits?: Uint32Array,
  ) {
    this.words = (n + 31) >>> 5;
    this.bits = bits ? bits.slice() : new Uint32Array(n * this.words);
  }

  add(a: number, b: number): void {
    this.bits[a * this.words + (b >>> 5)]! |= 1 << (b & 31);
  }

  has(a: number, b: number): boolean {
    return (this.bits[a * this.words + (b >>> 5)]! & (1 << (b & 31))) !== 0;
  }

  copy(): Relation {
    return new Relation(this.n, this.bits);
  }

  /** Whether the relation has a cycle (a self-loop included): depth-first search with colours. */
  hasCycle(): boolean {
    const { n, words, bits } = this;
    const colour = new Uint8Array(n); // 0 new, 1 on the stack, 2 done
    const stack: number[] = [];
    const cursor = new Int32Array(n);
    for (let root = 0; root < n; root++) {
      if (colour[root] !== 0) continue;
      stack.push(root);
      colour[root] = 1;
      cursor[root] = 0;
      while (stack.length > 0) {
        const a = stack[stack.length - 1]!;
        let b = cursor[a]!;
        for (; b < n; b++) {
          if ((bits[a * words + (b >>> 5)]! & (1 << (b & 31))) === 0) continue;
          if (colour[b] === 1) return true;
          if (colour[b] === 0) break;
        }
        cursor[a] = b + 1;
        if (b < n) {
          colour[b] = 1;
          cursor[b] = 0;
          stack.push(b);
        } else {
          colour[a] = 2;
          stack.pop();
        }
      }
    }
    return false;
  }
}
