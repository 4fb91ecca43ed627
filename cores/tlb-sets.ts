/**
 * A set-associative TLB (machine.tlbWays): the entries form sets of `ways` entries, a page can live
 * only in the set its VA page number selects (index = VPN mod sets: with a power-of-two number of sets,
 * the low VPN bits above the page offset, as the hardware indexes), and a fill into a full set evicts
 * within that set (least recently used, or a recorded choice among its ways). Real geometries: the
 * Cortex-A53 main TLB is 512 entries, 4-way (Cortex-A53 TRM, ARM DDI 0500, 5.2.3 "Main TLB"); the
 * Neoverse N1 L2 TLB is 1,280 entries, 5-way (Neoverse N1 TRM, ARM 100616, A5.2 "TLB organization").
 * With one set (ways = entries) this is the fully associative TLB, slot for slot.
 */
import { indexedSetVictim, slotMoves, type TlbEntry } from "./tlb.js";

/** The set a page number indexes. */
export function setOf(vpn: number, sets: number): number {
  return vpn % sets;
}

/**
 * The slots of each set, kept per TLB array so that a miss does not pass over every entry. Slots are
 * only ever appended, refilled within their own set (a fill goes to a new slot or evicts within the
 * page's set) or moved by maintenance (`slotMoves` counts that): so the lists are made again after a
 * move, extended by the slots appended since, and otherwise stay true.
 */
interface SetLists {
  sets: number;
  moves: number;
  /** Slots below this are in the lists. */
  seen: number;
  members: number[][];
}
const lists = new WeakMap<readonly TlbEntry[], SetLists>();

/** The slots whose entries are in vpn's set, ascending (the returned array is the cache's own). */
export function setSlots(tlb: readonly TlbEntry[], vpn: number, sets: number): readonly number[] {
  let l = lists.get(tlb);
  const moved = slotMoves(tlb);
  if (!l || l.sets !== sets || l.moves !== moved || l.seen > tlb.length) {
    l = { sets, moves: moved, seen: 0, members: Array.from({ length: sets }, () => []) };
    lists.set(tlb, l);
  }
  for (; l.seen < tlb.length; l.seen++) l.members[setOf(tlb[l.seen]!.vpn, sets)]!.push(l.seen);
  return l.members[setOf(vpn, sets)]!;
}

/** The least recently used of `slots` (ties: the lowest slot, as `lruVictim`). */
export function setLruVictim(tlb: readonly TlbEntry[], slots: readonly number[]): number {
  const indexed = indexedSetVictim(tlb, slots);
  if (indexed >= 0) return indexed;
  let best = slots[0]!;
  for (const s of slots) if (tlb[s]!.lastUsed < tlb[best]!.lastUsed) best = s;
  return best;
}
