/**
 * The reducer's part for walk caches and table pages (machine.walkCache; src/state/apply.ts calls these
 * only when the event says so or the state has them, so a machine without walk caches is untouched).
 */
import type { CoreState } from "../../cores/core-state.js";
import { vpnOf } from "../../cores/page-table.js";
import { l1Of, LEVEL2_BITS, linkTablePage } from "../../cores/table-pages.js";
import type { Tlbi } from "../../cores/tlb.js";
import { walkCacheFill, walkCacheTlbi } from "../../cores/walk-cache.js";
import type { EventOf } from "../events/index.js";
import type { MachineState } from "./machine-state.js";

/** A walk that read its level-1 descriptor from the table caches it. */
export function walkCacheFilled(s: MachineState, c: CoreState, ev: EventOf<"tlb.fill">): void {
  const wc = ev.wc;
  if (!wc || wc.cached || !c.walkCache || !s.walkCache) return;
  walkCacheFill(c.walkCache, s.walkCache, {
    l1: wc.l1,
    pfn: wc.pfn,
    asid: ev.entry.asid,
    vmid: ev.entry.vmid,
    table: ev.entry.table,
    filledAt: ev.seq,
  });
}

/** TLB maintenance on core `c` acts on its walk cache too. */
export function walkCacheInvalidated(s: MachineState, c: CoreState, op: Tlbi, vmid: number): void {
  if (c.walkCache && s.walkCache) walkCacheTlbi(c.walkCache, s.walkCache, op, vmid);
}

/** pte_alloc: the page a PTE write allocated becomes the table page of its 2 MB. */
export function tablePageAllocated(s: MachineState, table: string, va: number, pfn: number): void {
  if (s.pt) linkTablePage(s.pt, pfn, { table, l1: l1Of(vpnOf(va)) });
}

/**
 * pmd_clear: the level-1 entry goes, and with it every descriptor the page held for that 2 MB (the
 * kernel cleared them first; any it did not are unreachable now, so a TLB entry of them is stale).
 */
export function tablePageUnlinked(s: MachineState, table: Record<number, unknown>, tableId: string, va: number): void {
  const l1 = l1Of(vpnOf(va));
  const slots = s.pt?.pmd[tableId];
  if (slots) delete slots[l1];
  const lo = l1 << LEVEL2_BITS;
  const hi = (l1 + 1) << LEVEL2_BITS;
  for (const key in table) {
    const vpn = Number(key);
    if (vpn >= lo && vpn < hi) delete table[vpn];
  }
}

export function tablePageFreed(s: MachineState, pfn: number): void {
  if (s.pt) s.pt.pages[pfn] = null;
}
