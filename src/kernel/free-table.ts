/**
 * Freeing a page-table page (machine.walkCache): after the last PTE of a 2 MB region is gone,
 * free_pgtables → free_pte_range clears the level-1 entry (pmd_clear) and hands the table page to the
 * mmu_gather (pte_free_tlb → tlb_remove_table, mm/memory.c and mm/mmu_gather.c, v5.x); it is freed
 * (__tlb_remove_table, arch/arm64/include/asm/tlb.h) only after the gather's TLB flush. Walk caches may
 * still hold the cleared entry, so that flush must invalidate them: a last-level TLBI (VALE1IS) leaves
 * them, and a core can later walk through the stale entry into the page after it is reused.
 *  - "pgtable": arm64 v4.1 to v4.19, __pte_free_tlb → __flush_tlb_pgtable: TLBI VAE1IS of the address
 *    (all levels), DSB, before the page is freed (commit 285994a62c80, "arm64: Invalidate the TLB
 *    corresponding to intermediate page table levels"); since v4.20, tlb_flush's range flush is not
 *    last-level when tlb->freed_tables (f270ab88fdf2, "arm64: tlb: Adjust stride and type of TLBI
 *    according to mmu_gather"), the same invalidation.
 *  - "last-level": the bug those commits close: the only invalidation is the last-level TLBI VALE1IS
 *    that a PTE change needs (flush_tlb_range with last_level, as tlb_flush did for every gather before
 *    it tracked freed tables).
 */
import type { Op } from "../engine/ops.js";
import type { TableFlush } from "../scenario/types.js";
import { vpnOf } from "../../cores/page-table.js";
import { l1Of } from "../../cores/table-pages.js";
import { contextVar, type KernelCtx } from "./context.js";

export function* freePteTable(
  k: KernelCtx,
  _cpu: number,
  mm: string,
  va: number,
  flush: TableFlush,
): Generator<Op, void, number> {
  // pmd_none: no table page here (never mapped, or freed already): free_pte_range has nothing to do.
  if (k.state.pt?.pmd[mm]?.[l1Of(vpnOf(va))] === undefined) return;
  const pfn = yield { k: "pmd-clear", table: mm, va };
  // DSB ISHST: the cleared level-1 entry is visible to every walker before the invalidation.
  yield { k: "dsb" };
  const id = yield { k: "read", name: contextVar(mm) };
  const asid = id & ((1 << k.asidBits) - 1);
  const leaf = flush === "last-level";
  yield {
    k: "tlbi",
    op: leaf ? { scope: "va", asid, vpn: vpnOf(va), leaf: true } : { scope: "va", asid, vpn: vpnOf(va) },
    broadcast: true,
  };
  yield { k: "dsb" };
  // __tlb_remove_table: the page goes back to the allocator, and may be reused for anything.
  yield { k: "pt-free", pfn };
}
