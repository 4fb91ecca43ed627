/**
 * Stage-1 tables with their intermediate level (machine.walkCache on; off, the tables are the flat
 * vpn → PTE maps of page-table.ts and nothing here is used). A level-1 entry (arm64's pmd, a table
 * descriptor: ARM ARM DDI 0487 D5.3.1) points at a table page, a physical page holding 512 level-2
 * descriptors (the 4 KB granule: one table page maps 2 MB, D5.2.4). The descriptors stay in the flat
 * map (`tables[id][vpn]`, the truth every other part reads); a table page only says whose 2 MB of
 * descriptors it holds, so what a walk that reaches a page through a stale pointer reads is derived:
 * the descriptors of whatever table now owns the page, or nothing when it is free (the kernel cleared
 * every PTE before freeing it: mm/memory.c free_pte_range → pte_free_tlb, v5.x).
 */
import type { Pte } from "./page-table.js";
import type { Tables } from "./walk.js";

/** log2 of the descriptors in one table page (arm64, 4 KB granule: 512). */
export const LEVEL2_BITS = 9;
const PER_PAGE = 1 << LEVEL2_BITS;
/** Table pages are numbered from here (PA 0x70000000 up), apart from the scenarios' data pages. */
export const TABLE_PFN_BASE = 0x70000;

/** The level-1 index of a VA page: which table page holds its descriptor. */
export const l1Of = (vpn: number): number => Math.floor(vpn / PER_PAGE);

/** What a table page holds: the level-2 descriptors of `table`'s level-1 slot `l1`. */
export interface TablePageUse {
  table: string;
  l1: number;
}

export interface TablePages {
  /** Table id → level-1 index → the table page (pfn) its valid table descriptor points at. */
  pmd: Record<string, Record<number, number>>;
  /** pfn → what the page holds now; null once freed (pte_free). Integer keys: ascending order. */
  pages: Record<number, TablePageUse | null>;
  /** The next pfn never handed out. */
  next: number;
}

/** Every table's level-1 slots that map something, each with a table page (tables in name order). */
export function initialTablePages(tables: Tables): TablePages {
  const pt: TablePages = { pmd: {}, pages: {}, next: TABLE_PFN_BASE };
  for (const id of Object.keys(tables).sort()) {
    const slots: Record<number, number> = {};
    for (const key of Object.keys(tables[id]!)) {
      const l1 = l1Of(Number(key));
      if (slots[l1] !== undefined) continue;
      slots[l1] = pt.next;
      pt.pages[pt.next++] = { table: id, l1 };
    }
    pt.pmd[id] = slots;
  }
  return pt;
}

/** The page pte_alloc would get now: the lowest freed table page (reuse), else a new one. */
export function allocTablePage(pt: TablePages): number {
  for (const key in pt.pages) if (pt.pages[key] === null) return Number(key);
  return pt.next;
}

/** Takes page `pfn` as `use`'s table page and links it (pmd_populate). */
export function linkTablePage(pt: TablePages, pfn: number, use: TablePageUse): void {
  pt.pages[pfn] = { ...use };
  (pt.pmd[use.table] ??= {})[use.l1] = pfn;
  if (pfn >= pt.next) pt.next = pfn + 1;
}

/**
 * The level-2 descriptor for `vpn` read from table page `pfn`: the entry at the same index of the
 * table that owns the page now (or none when it is free). `holds` is that owner when it is not the
 * table and slot the walk came from (a pointer into a page reused for something else), else undefined.
 */
export function readTablePage(
  tables: Tables,
  pt: TablePages,
  pfn: number,
  from: TablePageUse,
  vpn: number,
): { pte: Pte | null; holds?: TablePageUse | null } {
  const use = pt.pages[pfn];
  if (use === undefined || use === null) return { pte: null, holds: null };
  const index = vpn - from.l1 * PER_PAGE;
  const pte = tables[use.table]?.[use.l1 * PER_PAGE + index] ?? null;
  if (use.table === from.table && use.l1 === from.l1) return { pte };
  return { pte, holds: { table: use.table, l1: use.l1 } };
}
