/**
 * An index over one TLB array, for the engine's live state: the slots by (VA page, VMID, ASID or
 * global) and the slots in LRU order, so that a lookup and an LRU victim cost O(1) instead of a pass
 * over every entry. cores/tlb.ts attaches it to the array and keeps it up to date (see there).
 *
 * The keys live in typed arrays (an open-addressing hash table with linear probing, and each slot's key
 * beside it), not in a `Map`: a key of page and tag does not fit a small integer, so a `Map` hashed a
 * boxed number per lookup and per fill, and with thousands of entries every miss went through scattered
 * heap cells (at 4,096 entries that made the miss path twice the cost of a 16-entry TLB's).
 */

/** The fields of a TLB entry the index reads (cores/tlb.ts's `TlbEntry`). */
export interface IndexedEntry {
  vpn: number;
  asid: number;
  vmid: number;
  global: boolean;
  lastUsed: number;
}

export interface TlbIndex {
  /** Hash cells: slot + 1, or 0 when empty; a power of two, at least twice the slot capacity. */
  cells: Int32Array;
  /** Each slot's key as indexed, and the cell its key hashes to (so removal needs not the old entry). */
  vpn: Float64Array;
  vmid: Float64Array;
  asid: Float64Array;
  /** 1 for a global entry (nG = 0), whose ASID is not part of its key. */
  global: Uint8Array;
  home: Int32Array;
  /**
   * Each slot's `lastUsed` as of its last fill or use: what LRU order compares, read here instead of
   * from the entry objects, which lie all over the heap (a set-associative victim compares a set's ways).
   */
  used: Float64Array;
  /** LRU order by (lastUsed, slot): a doubly linked list over slots, -1 at the ends. */
  prev: Int32Array;
  next: Int32Array;
  head: number;
  tail: number;
  /** The array length the index describes. */
  length: number;
}

/**
 * The cell a key hashes to. Equal numbers hash equally (the parts are taken with ToUint32/ToInt32,
 * functions of the value), so any VPN, ASID or VMID works; small integers spread well (a multiplicative
 * mix, then a finaliser as in MurmurHash3's fmix32).
 */
function hashOf(vpn: number, vmid: number, global: boolean, asid: number, mask: number): number {
  let h = Math.imul(vpn >>> 0, 0x9e3779b1) ^ Math.imul((vpn / 4294967296) | 0, 0x85ebca77);
  h ^= Math.imul(global ? -1 : asid | 0, 0xc2b2ae35) ^ Math.imul(vmid | 0, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & mask;
}

function capacityFor(length: number): number {
  let cap = 64;
  while (cap < length + 1) cap *= 2;
  return cap;
}

/** Whether slot a comes before slot b in LRU order (least recently used first, ties: lower slot). */
function before(used: Float64Array, a: number, b: number): boolean {
  const x = used[a]!;
  const y = used[b]!;
  return x < y || (x === y && a < b);
}

/** A fresh index of the array (slots in the cells in ascending order; LRU order sorted). */
export function buildIndex(tlb: readonly IndexedEntry[]): TlbIndex {
  const cap = capacityFor(tlb.length);
  const ix: TlbIndex = {
    cells: new Int32Array(cap * 2),
    vpn: new Float64Array(cap),
    vmid: new Float64Array(cap),
    asid: new Float64Array(cap),
    global: new Uint8Array(cap),
    home: new Int32Array(cap),
    used: new Float64Array(cap),
    prev: new Int32Array(cap),
    next: new Int32Array(cap),
    head: -1,
    tail: -1,
    length: tlb.length,
  };
  const used = ix.used;
  for (let s = 0; s < tlb.length; s++) used[s] = tlb[s]!.lastUsed;
  const order = tlb.map((_, i) => i).sort((a, b) => (before(used, a, b) ? -1 : before(used, b, a) ? 1 : 0));
  for (let i = 0; i < order.length; i++) {
    const s = order[i]!;
    ix.prev[s] = i > 0 ? order[i - 1]! : -1;
    ix.next[s] = i + 1 < order.length ? order[i + 1]! : -1;
  }
  ix.head = order.length > 0 ? order[0]! : -1;
  ix.tail = order.length > 0 ? order[order.length - 1]! : -1;
  for (let s = 0; s < tlb.length; s++) addKey(ix, tlb[s]!, s);
  return ix;
}

/** Whether the index has room for a slot (a fill at the array's end may need a bigger one). */
export function holds(ix: TlbIndex, slot: number): boolean {
  return slot < ix.vpn.length;
}

/** The lowest slot with exactly this key, or -1: the probe sequence from its cell up to an empty one. */
function lowest(ix: TlbIndex, vpn: number, vmid: number, global: boolean, asid: number): number {
  const cells = ix.cells;
  const mask = cells.length - 1;
  let best = -1;
  for (let i = hashOf(vpn, vmid, global, asid, mask); ; i = (i + 1) & mask) {
    const c = cells[i]!;
    if (c === 0) return best;
    const s = c - 1;
    if (ix.vpn[s] === vpn && ix.vmid[s] === vmid && (global ? ix.global[s] === 1 : ix.global[s] === 0 && ix.asid[s] === asid))
      if (best < 0 || s < best) best = s;
  }
}

/** The lowest slot that translates vpn under (asid, vmid): a global entry, or one of the ASID. */
export function indexedLookup(ix: TlbIndex, vpn: number, asid: number, vmid: number): number {
  const g = lowest(ix, vpn, vmid, true, 0);
  const a = lowest(ix, vpn, vmid, false, asid);
  return g < 0 ? a : a < 0 ? g : Math.min(g, a);
}

export function addKey(ix: TlbIndex, e: IndexedEntry, s: number): void {
  const cells = ix.cells;
  const mask = cells.length - 1;
  const h = hashOf(e.vpn, e.vmid, e.global, e.asid, mask);
  ix.vpn[s] = e.vpn;
  ix.vmid[s] = e.vmid;
  ix.asid[s] = e.asid;
  ix.global[s] = e.global ? 1 : 0;
  ix.home[s] = h;
  let i = h;
  while (cells[i] !== 0) i = (i + 1) & mask;
  cells[i] = s + 1;
}

/** Takes slot s out of the hash cells (backward-shift deletion: no tombstones, probes stay short). */
export function removeKey(ix: TlbIndex, s: number): void {
  const cells = ix.cells;
  const mask = cells.length - 1;
  let i = ix.home[s]!;
  while (cells[i] !== s + 1) {
    if (cells[i] === 0) return;
    i = (i + 1) & mask;
  }
  for (let j = (i + 1) & mask; cells[j] !== 0; j = (j + 1) & mask) {
    // The entry at j may move back to i unless its home lies cyclically in (i, j].
    const k = ix.home[cells[j]! - 1]!;
    const stays = i <= j ? i < k && k <= j : i < k || k <= j;
    if (!stays) {
      cells[i] = cells[j]!;
      i = j;
    }
  }
  cells[i] = 0;
}

/** The least recently used of `slots` (ties: the lowest slot), from the index's copy of their last uses. */
export function lruOf(ix: TlbIndex, slots: readonly number[]): number {
  const used = ix.used;
  let best = slots[0]!;
  let least = used[best]!;
  for (let i = 1; i < slots.length; i++) {
    const s = slots[i]!;
    const u = used[s]!;
    if (u < least || (u === least && s < best)) {
      best = s;
      least = u;
    }
  }
  return best;
}

export function unlink(ix: TlbIndex, s: number): void {
  const p = ix.prev[s]!;
  const n = ix.next[s]!;
  if (p >= 0) ix.next[p] = n;
  else ix.head = n;
  if (n >= 0) ix.prev[n] = p;
  else ix.tail = p;
}

/** Puts slot s in its LRU place (its entry's `lastUsed` now), searching from the most recent end (where a use or a fill goes). */
export function link(ix: TlbIndex, tlb: readonly IndexedEntry[], s: number): void {
  const used = ix.used;
  used[s] = tlb[s]!.lastUsed;
  let after = ix.tail;
  while (after >= 0 && before(used, s, after)) after = ix.prev[after]!;
  const n = after >= 0 ? ix.next[after]! : ix.head;
  ix.prev[s] = after;
  ix.next[s] = n;
  if (after >= 0) ix.next[after] = s;
  else ix.head = s;
  if (n >= 0) ix.prev[n] = s;
  else ix.tail = s;
}
