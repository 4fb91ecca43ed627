/**
 * The TLB: tagged entries, matching, replacement and maintenance.
 * Matching follows ARM ARM B3.9.1: an entry matches when its VMID equals the current VMID and it is
 * global (nG = 0) or its ASID equals the current ASID. Maintenance ops follow B4.2.2 (TLBIALL, TLBIASID,
 * TLBIMVA, TLBIMVAA, TLBIALLNSNH for every VMID) and are local; the IS variants broadcast on the bus.
 */
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

/** Slots the op removes, in ascending order. */
export function tlbiVictims(tlb: readonly TlbEntry[], op: Tlbi, vmid: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < tlb.length; i++) if (tlbiMatches(tlb[i]!, op, vmid)) out.push(i);
  return out;
}

/** Removes the entries an op matches, in place; returns how many went. */
export function applyTlbi(tlb: TlbEntry[], op: Tlbi, vmid: number): number {
  let w = 0;
  for (let r = 0; r < tlb.length; r++) {
    const e = tlb[r]!;
    if (!tlbiMatches(e, op, vmid)) tlb[w++] = e;
  }
  const removed = tlb.length - w;
  tlb.length = w;
  return removed;
}

/** The least recently used slot (ties: lowest slot). */
export function lruVictim(tlb: readonly TlbEntry[]): number {
  let best = 0;
  for (let i = 1; i < tlb.length; i++) if (tlb[i]!.lastUsed < tlb[best]!.lastUsed) best = i;
  return best;
}
