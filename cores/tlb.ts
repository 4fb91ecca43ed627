/**
 * The TLB: tagged entries, matching, replacement and maintenance.
 * Matching follows ARM ARM B3.9.1: an entry matches when its VMID equals the current VMID and it is
 * global (nG = 0) or its ASID equals the current ASID. Maintenance ops follow B4.2.2 (TLBIALL, TLBIASID,
 * TLBIMVA, TLBIMVAA, TLBIALLNSNH for every VMID) and are local; the IS variants broadcast on the bus.
 */
import { addKey, buildIndex, holds, indexedLookup, link, lruOf, removeKey, unlink, type TlbIndex } from "./tlb-index.js";

export interface TlbEntry {
  vpn: number;
  asid: number;
  vmid: number;
  global: boolean;
  pa: number;
  writable: boolean;
  /** The table the walk read: provenance for isolation checks and "why is this here?". */
  table: string;
  /** Generation of the context id the core ran under when it filled (0 when the allocator has none). */
  gen: number;
  /** Sequence number of the event that filled this entry. */
  filledAt: number;
  /** Sequence number of the last event that used it (LRU replacement). */
  lastUsed: number;
}

export type TlbPolicy = "lru" | "random";

export type TlbiScope = "all" | "asid" | "va" | "vaa" | "vmid" | "allvm";

export interface Tlbi {
  scope: TlbiScope;
  asid?: number;
  vpn?: number;
  vmid?: number;
  /**
   * By VA, the last-level form (TLBI VALE1 / VAALE1, AArch32 TLBIMVAL): TLB entries go as without it,
   * walk-cache entries of the VA stay (cores/walk-cache.ts). Absent: the form that invalidates all levels.
   */
  leaf?: boolean;
}

/** Index of the entry that translates vpn under (asid, vmid), or -1. */
export function lookup(tlb: readonly TlbEntry[], vpn: number, asid: number, vmid: number): number {
  for (let i = 0; i < tlb.length; i++) {
    const e = tlb[i]!;
    if (e.vpn === vpn && e.vmid === vmid && (e.global || e.asid === asid)) return i;
  }
  return -1;
}

/** Whether a maintenance op removes the entry. `vmid` is the VMID of the core that performs it. */
export function tlbiMatches(e: TlbEntry, op: Tlbi, vmid: number): boolean {
  switch (op.scope) {
    case "allvm":
      return true;
    case "vmid":
      return e.vmid === (op.vmid ?? vmid);
    case "all":
      return e.vmid === vmid;
    case "asid":
      // TLBIASID leaves global entries alone (B4.2.2).
      return e.vmid === vmid && !e.global && e.asid === op.asid;
    case "va":
      // TLBIMVA: the VA under the ASID, and any global entry for the VA.
      return e.vmid === vmid && e.vpn === op.vpn && (e.global || e.asid === op.asid);
    case "vaa":
      return e.vmid === vmid && e.vpn === op.vpn;
  }
}

/**
 * The first slot at or after `from` that the op removes (the array's length when none is): `tlbiMatches`
 * with the scope decided once, not per entry. A broadcast TLBI by VA is taken by every other core, most
 * of which do not hold the page: at 64 cores with shootdowns these passes were a tenth of a run.
 */
function nextVictim(tlb: readonly TlbEntry[], op: Tlbi, vmid: number, from: number): number {
  const n = tlb.length;
  if (op.scope === "va") {
    const { vpn, asid } = op;
    for (let i = from; i < n; i++) {
      const e = tlb[i]!;
      if (e.vpn === vpn && e.vmid === vmid && (e.global || e.asid === asid)) return i;
    }
    return n;
  }
  for (let i = from; i < n; i++) if (tlbiMatches(tlb[i]!, op, vmid)) return i;
  return n;
}

/** Slots the op removes, in ascending order. */
export function tlbiVictims(tlb: readonly TlbEntry[], op: Tlbi, vmid: number): number[] {
  const out: number[] = [];
  for (let i = nextVictim(tlb, op, vmid, 0); i < tlb.length; i = nextVictim(tlb, op, vmid, i + 1)) out.push(i);
  return out;
}

/** How many entries the op removes (`tlbiVictims(...).length` without the list). */
export function tlbiCount(tlb: readonly TlbEntry[], op: Tlbi, vmid: number): number {
  let n = 0;
  for (let i = nextVictim(tlb, op, vmid, 0); i < tlb.length; i = nextVictim(tlb, op, vmid, i + 1)) n++;
  return n;
}

/** Removes the entries an op matches, in place; returns how many went. */
export function applyTlbi(tlb: TlbEntry[], op: Tlbi, vmid: number): number {
  const first = nextVictim(tlb, op, vmid, 0);
  // Nothing to remove: no pass that writes every slot back, no length set (a call into the runtime).
  if (first === tlb.length) return 0;
  let w = first;
  for (let r = first + 1; r < tlb.length; r++) {
    const e = tlb[r]!;
    if (!tlbiMatches(e, op, vmid)) tlb[w++] = e;
  }
  const removed = tlb.length - w;
  tlb.length = w;
  // Slots moved: the index is made again on its next use (a TLBI is a pass over the entries anyway).
  indexes.delete(tlb);
  moves.set(tlb, (moves.get(tlb) ?? 0) + 1);
  return removed;
}

/** How many times maintenance moved the array's slots (caches of slots, as tlb-sets.ts keeps, start again). */
const moves = new WeakMap<readonly TlbEntry[], number>();
export function slotMoves(tlb: readonly TlbEntry[]): number {
  return moves.get(tlb) ?? 0;
}

/** The least recently used slot (ties: lowest slot). */
export function lruVictim(tlb: readonly TlbEntry[]): number {
  let best = 0;
  for (let i = 1; i < tlb.length; i++) if (tlb[i]!.lastUsed < tlb[best]!.lastUsed) best = i;
  return best;
}

/**
 * An index over one TLB array, for the engine's live state (cores/tlb-index.ts): a lookup and an LRU
 * victim cost O(1) instead of a pass over every entry (at 1,024 entries that pass was most of a run).
 * It is attached to the array object and kept up to date by the functions below that change the array
 * (`fillSlot`, `touchSlot`, `applyTlbi`); an array changed any other way (immer drafts, copies, a
 * snapshot) simply has no index, and `findEntry` and `victimSlot` build one on first use. Code that
 * writes a TLB array directly must go through these.
 */
const indexes = new WeakMap<readonly TlbEntry[], TlbIndex>();
/**
 * Below this many entries a pass is cheaper than the index, whose upkeep (a TLBI that removes entries
 * makes it again) cost a 16-entry TLB with frequent shootdowns more than its lookups saved.
 */
const LINEAR_BELOW = 64;

function indexOf(tlb: readonly TlbEntry[]): TlbIndex {
  let ix = indexes.get(tlb);
  if (ix && ix.length === tlb.length) return ix;
  ix = buildIndex(tlb);
  indexes.set(tlb, ix);
  return ix;
}

/** `lookup` through the index: the same answer (the lowest matching slot), without a pass over the entries. */
export function findEntry(tlb: readonly TlbEntry[], vpn: number, asid: number, vmid: number): number {
  if (tlb.length < LINEAR_BELOW) return lookup(tlb, vpn, asid, vmid);
  return indexedLookup(indexOf(tlb), vpn, asid, vmid);
}

/** `lruVictim` through the index. */
export function victimSlot(tlb: readonly TlbEntry[]): number {
  if (tlb.length < LINEAR_BELOW) return lruVictim(tlb);
  const h = indexOf(tlb).head;
  return h < 0 ? 0 : h;
}

/**
 * `setLruVictim` (cores/tlb-sets.ts) through the index when the array has one (the engine's live TLB of
 * 64 entries or more, after `findEntry`): the ways' last uses from a typed array, not from the entries.
 */
export function indexedSetVictim(tlb: readonly TlbEntry[], slots: readonly number[]): number {
  const ix = indexes.get(tlb);
  return ix && ix.length === tlb.length ? lruOf(ix, slots) : -1;
}

/** Writes a copy of `entry` into `slot` (a new slot when it is the array's length), keeping the index. */
export function fillSlot(tlb: TlbEntry[], slot: number, entry: TlbEntry): void {
  const ix = indexes.get(tlb);
  const e = { ...entry };
  if (!ix || ix.length !== tlb.length || !holds(ix, slot)) {
    tlb[slot] = e;
    return;
  }
  if (slot < tlb.length) {
    removeKey(ix, slot);
    unlink(ix, slot);
  }
  tlb[slot] = e;
  ix.length = tlb.length;
  addKey(ix, e, slot);
  link(ix, tlb, slot);
}

/** Marks the entry in `slot` used at event `seq` (LRU), keeping the index. */
export function touchSlot(tlb: TlbEntry[], slot: number, seq: number): void {
  tlb[slot]!.lastUsed = seq;
  const ix = indexes.get(tlb);
  if (!ix || ix.length !== tlb.length) return;
  unlink(ix, slot);
  link(ix, tlb, slot);
}
