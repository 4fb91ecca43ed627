/**
 * A walk cache: level-1 (table) descriptors the walker keeps so that a walk after a TLB miss starts at
 * the last level (Cortex-A15 TRM r2p0 §5.2 "the L2 TLB ... also caches intermediate walk results";
 * Cortex-A57 / A72 TRMs, chapter "Memory Management Unit", the "walk cache RAM" holding partial stage-1
 * walks). The architecture allows it: any table entry may be cached, tagged with the ASID and VMID of
 * the regime (ARM ARM DDI 0487, D5.10.1 "General TLB maintenance requirements": "TLB ... and caching of
 * intermediate table entries"), and the TLB maintenance by VA invalidates cached entries of every level
 * for the VA, except the *last level* forms (TLBI VALE1 / VAALE1, AArch32 TLBIMVAL / TLBIMVAAL) that
 * need only invalidate the final level's; by ASID, VMID and ALL, every entry they cover (D5.10.2).
 * Replacement is FIFO: the oldest entry goes when it is full.
 */
import { l1Of } from "./table-pages.js";
import type { Tlbi } from "./tlb.js";

export interface WalkCacheConfig {
  /** How many level-1 entries the cache holds. */
  entries: number;
  /** Entries carry the ASID (a lookup matches only the same ASID); untagged, any ASID of the VMID matches. */
  asidTagged: boolean;
}

export interface WalkCacheEntry {
  /** The level-1 index (the VA's 2 MB region). */
  l1: number;
  /** The table page the cached descriptor points at. */
  pfn: number;
  asid: number;
  vmid: number;
  /** The table whose walk filled it (provenance: "why is this here?"). */
  table: string;
  /** Sequence number of the walk that filled it. */
  filledAt: number;
}

/** The index of the entry a walk of `vpn` under (asid, vmid) uses, or -1. */
export function walkCacheLookup(
  wc: readonly WalkCacheEntry[],
  cfg: WalkCacheConfig,
  vpn: number,
  asid: number,
  vmid: number,
): number {
  const l1 = l1Of(vpn);
  for (let i = 0; i < wc.length; i++) {
    const e = wc[i]!;
    if (e.l1 === l1 && e.vmid === vmid && (!cfg.asidTagged || e.asid === asid)) return i;
  }
  return -1;
}

/** Whether TLB maintenance `op` (performed under VMID `vmid`) removes walk-cache entry `e`. */
export function walkCacheTlbiMatches(e: WalkCacheEntry, cfg: WalkCacheConfig, op: Tlbi, vmid: number): boolean {
  const asidOk = (): boolean => !cfg.asidTagged || e.asid === op.asid;
  switch (op.scope) {
    case "allvm":
      return true;
    case "vmid":
      return e.vmid === (op.vmid ?? vmid);
    case "all":
      return e.vmid === vmid;
    case "asid":
      // An untagged entry cannot be told apart by ASID: it must go with any ASID's invalidation.
      return e.vmid === vmid && asidOk();
    case "va":
      return !op.leaf && e.vmid === vmid && e.l1 === l1Of(op.vpn ?? 0) && asidOk();
    case "vaa":
      return !op.leaf && e.vmid === vmid && e.l1 === l1Of(op.vpn ?? 0);
  }
}

/** Removes the entries `op` invalidates, in place. */
export function walkCacheTlbi(wc: WalkCacheEntry[], cfg: WalkCacheConfig, op: Tlbi, vmid: number): void {
  let w = 0;
  for (let r = 0; r < wc.length; r++) {
    const e = wc[r]!;
    if (!walkCacheTlbiMatches(e, cfg, op, vmid)) wc[w++] = e;
  }
  wc.length = w;
}

/** Adds `e` (a walk's level-1 read), replacing an entry of the same tag, else the oldest when full. */
export function walkCacheFill(wc: WalkCacheEntry[], cfg: WalkCacheConfig, e: WalkCacheEntry): void {
  const same = wc.findIndex((x) => x.l1 === e.l1 && x.vmid === e.vmid && (!cfg.asidTagged || x.asid === e.asid));
  if (same >= 0) wc.splice(same, 1);
  else if (wc.length >= cfg.entries) wc.shift();
  wc.push({ ...e });
}
