/**
 * Page-table pages (machine.walkCache on): a table's level-1 entry cleared, and the table page it
 * pointed at freed for reuse (mm/memory.c free_pte_range: pmd_clear, then pte_free_tlb →
 * tlb_remove_table, freed by __tlb_remove_table once the mmu_gather's TLB flush is done, v5.x).
 */
import type { EventBase } from "./base.js";

/** pmd_clear: walks of the VA's 2 MB find no table any more (walk caches may still point at `pfn`). */
export interface PtUnlinkEvent extends EventBase {
  type: "pt.unlink";
  table: string;
  va: number;
  pfn: number;
}

/** The table page goes back to the page allocator: from here it may be reused for anything. */
export interface PtFreeEvent extends EventBase {
  type: "pt.free";
  pfn: number;
}

export type TableEvent = PtUnlinkEvent | PtFreeEvent;
