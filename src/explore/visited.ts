/**
 * The states a stateful search has explored, in SPIN's three ways of storing them (Holzmann, "The
 * Spin Model Checker", ch. 9): exact (the full encoding: no state is ever missed, most memory), hash
 * compaction (64 bits per state: two different states collide with probability about 2^-64 each,
 * and a collision makes the search skip the second one's successors), and bitstate (supertrace: k = 3
 * bits per state in a fixed bit array, the least memory and the likeliest misses). Each store keeps,
 * per state, the fewest preemptions it was reached with and the item that had just run (what the
 * preemption bound needs, stateful.ts); bitstate cannot, so it folds them into the key.
 *
 * Each store adds up, insertion by insertion, the probability that the state inserted was wrongly
 * taken for a stored one: the expected number of states missed, which `explore` reports.
 */
import { keyHash } from "./state-key.js";

export type StoreKind = "exact" | "hash" | "bitstate";

/** A stored state as its store knows it: its key, or the key's 64-bit hash (two 32-bit halves). */
export type StateRef = string | readonly [number, number];

/** What a visit found: explore it (new, or reached now with a larger remaining bound), or prune it. */
export interface Visited {
  readonly kind: StoreKind;
  /** True when the state must be explored from here (and records this visit), false to prune. */
  visit(key: string, preemptions: number, lastKey: number): boolean;
  /**
   * The same for a state known by the 64-bit hash of its key (state-hash.ts: computed without building
   * the key), for the stores that keep hashes only; absent on the exact store, which needs the key.
   */
  visitHash?(a: number, b: number, preemptions: number, lastKey: number): boolean;
  /**
   * Everything below the state was explored and the preemption bound left out no pick there (nor
   * below a state it was pruned at): the unbounded subtree was explored, so the state covers any
   * later visit, whatever its preemptions. Bitstate cannot record it (a no-op there).
   */
  complete(state: StateRef): void;
  isComplete(state: StateRef): boolean;
  readonly size: number;
  /** Bytes the store holds (estimate for exact). */
  readonly bytes: number;
  /** The expected number of states wrongly taken for stored ones so far. */
  readonly expectedMissed: number;
}

/**
 * Whether a state explored after `was` preemptions with item `wasLast` last covers a visit after
 * `now` with `nowLast`: only the first pick's preemption depends on the item that ran last, so one
 * preemption fewer covers any last item.
 */
export const covers = (was: number, wasLast: number, now: number, nowLast: number): boolean =>
  was <= now && (wasLast === nowLast || was + 1 <= now);

export class ExactStore implements Visited {
  readonly kind = "exact";
  private readonly map = new Map<string, { pre: number; last: number; complete?: true }>();
  private chars = 0;
  readonly expectedMissed = 0;

  visit(key: string, preemptions: number, lastKey: number): boolean {
    const e = this.map.get(key);
    if (e && (e.complete || covers(e.pre, e.last, preemptions, lastKey))) return false;
    if (e) {
      if (preemptions < e.pre) Object.assign(e, { pre: preemptions, last: lastKey });
    } else {
      this.map.set(key, { pre: preemptions, last: lastKey });
      this.chars += key.length;
    }
    return true;
  }
  complete(key: StateRef): void {
    const e = this.map.get(key as string);
    if (e) e.complete = true;
  }
  isComplete(key: StateRef): boolean {
    return this.map.get(key as string)?.complete === true;
  }
  get size(): number {
    return this.map.size;
  }
  /** A one-byte string's characters, and about 80 bytes of map entry and record per state. */
  get bytes(): number {
    return this.chars + 80 * this.map.size;
  }
}

export class HashCompactStore implements Visited {
  readonly kind = "hash";
  private hi = new Uint32Array(1 << 10);
  private lo = new Uint32Array(1 << 10);
  private pre = new Int32Array(1 << 10).fill(-1);
  private last = new Int32Array(1 << 10);
  /** 1 where the state is complete (Visited.complete). */
  private done = new Uint8Array(1 << 10);
  private n = 0;
  expectedMissed = 0;

  /** The slot holding the state's hash, or -1. */
  private slot(state: StateRef): number {
    const [a, b] = typeof state === "string" ? keyHash(state) : state;
    const mask = this.pre.length - 1;
    for (let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask; this.pre[i] !== -1; i = (i + 1) & mask)
      if (this.hi[i] === a && this.lo[i] === b) return i;
    return -1;
  }
  complete(state: StateRef): void {
    const i = this.slot(state);
    if (i >= 0) this.done[i] = 1;
  }
  isComplete(state: StateRef): boolean {
    const i = this.slot(state);
    return i >= 0 && this.done[i] === 1;
  }

  visit(key: string, preemptions: number, lastKey: number): boolean {
    const [a, b] = keyHash(key);
    return this.visitHash(a, b, preemptions, lastKey);
  }

  visitHash(a: number, b: number, preemptions: number, lastKey: number): boolean {
    const mask = this.pre.length - 1;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    for (; this.pre[i] !== -1; i = (i + 1) & mask) {
      if (this.hi[i] !== a || this.lo[i] !== b) continue;
      if (this.done[i] === 1 || covers(this.pre[i]!, this.last[i]!, preemptions, lastKey)) return false;
      if (preemptions < this.pre[i]!) {
        this.pre[i] = preemptions;
        this.last[i] = lastKey;
      }
      return true;
    }
    // The chance that this new state's 64 bits equal one of the n stored.
    this.expectedMissed += this.n / 2 ** 64;
    this.hi[i] = a;
    this.lo[i] = b;
    this.pre[i] = preemptions;
    this.last[i] = lastKey;
    if (++this.n * 2 > this.pre.length) this.grow();
    return true;
  }

  get size(): number {
    return this.n;
  }
  get bytes(): number {
    return this.pre.length * 17;
  }

  private grow(): void {
    const { hi, lo, pre, last, done } = this;
    const len = pre.length * 2;
    this.hi = new Uint32Array(len);
    this.lo = new Uint32Array(len);
    this.pre = new Int32Array(len).fill(-1);
    this.last = new Int32Array(len);
    this.done = new Uint8Array(len);
    const mask = len - 1;
    for (let j = 0; j < pre.length; j++) {
      if (pre[j] === -1) continue;
      let i = (hi[j]! ^ Math.imul(lo[j]!, 0x9e3779b1)) & mask;
      while (this.pre[i] !== -1) i = (i + 1) & mask;
      this.hi[i] = hi[j]!;
      this.lo[i] = lo[j]!;
      this.pre[i] = pre[j]!;
      this.last[i] = last[j]!;
      this.done[i] = done[j]!;
    }
  }
}

/** Mixes a small number into a 32-bit hash (murmur3's fmix32 over the xor). */
function mixIn(h: number, v: number): number {
  h = Math.imul(h ^ Math.imul(v + 0x9e3779b9, 0x85ebca6b), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Bitstate hashing with k = 3 bits per state (double hashing over the key's two 32-bit hashes). */
export class BitstateStore implements Visited {
  readonly kind = "bitstate";
  private readonly bits: Uint8Array;
  private readonly mask: number;
  private set = 0;
  private n = 0;
  expectedMissed = 0;
  static readonly K = 3;

  /** `log2Bits`: the bit array has 2^log2Bits bits (SPIN's -w; default 2^30, 128 MB). */
  constructor(readonly log2Bits = 30) {
    this.bits = new Uint8Array(2 ** log2Bits / 8);
    this.mask = 2 ** log2Bits - 1;
  }

  visit(key: string, preemptions: number, lastKey: number): boolean {
    const [a, b] = keyHash(key);
    return this.visitHash(a, b, preemptions, lastKey);
  }

  private readonly positions = new Int32Array(BitstateStore.K);
  visitHash(a0: number, b0: number, preemptions: number, lastKey: number): boolean {
    // The bound's bookkeeping is part of what a bit stands for (the store cannot keep it beside).
    const a = mixIn(mixIn(a0, preemptions), lastKey);
    const b = mixIn(mixIn(b0 ^ 0x5bd1e995, lastKey), preemptions);
    let fresh = false;
    const positions = this.positions;
    for (let j = 0; j < BitstateStore.K; j++) {
      const p = (a + Math.imul(j, b | 1)) & this.mask;
      positions[j] = p;
      if (!(this.bits[p >>> 3]! & (1 << (p & 7)))) fresh = true;
    }
    if (!fresh) return false;
    // The chance that a new state finds all its k bits set already: (set / m)^k.
    this.expectedMissed += (this.set / (this.mask + 1)) ** BitstateStore.K;
    for (const p of positions) {
      const bit = 1 << (p & 7);
      if (!(this.bits[p >>> 3]! & bit)) this.set++;
      this.bits[p >>> 3]! |= bit;
    }
    this.n++;
    return true;
  }
  get size(): number {
    return this.n;
  }
  get bytes(): number {
    return this.bits.length;
  }
  /** The bits cannot say which visit was complete. */
  complete(): void {}
  isComplete(): boolean {
    return false;
  }
  /** SPIN's hash factor: bits in the array per state stored (best above 100). */
  get hashFactor(): number {
    return this.n === 0 ? Infinity : (this.mask + 1) / this.n;
  }
}

export function makeStore(kind: StoreKind, log2Bits?: number): Visited {
  return kind === "exact" ? new ExactStore() : kind === "hash" ? new HashCompactStore() : new BitstateStore(log2Bits);
}
