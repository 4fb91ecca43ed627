/**
 * Freeing a page-table page under walk caches (machine.walkCache; src/kernel/free-table.ts). Two
 * threads of mm A on an arm64 machine. A.1 (core 1) reads 0x200000, so its walk caches the level-1
 * entry for A's 0x200000-0x3fffff. A.0 (core 0) unmaps the page (flush_tlb_page: TLBI VALE1IS, arm64
 * since v4.4), frees the emptied table page (free_pte_range: pmd_clear, the gather's flush, free), and
 * maps 0x400000, whose new table page is the freed one. With only a last-level TLBI for the freed table,
 * core 1's walk cache still points at the page: its next read of 0x200000 walks into A's table for
 * 0x400000 and translates to that page (translation-coherence). With the walk-cache invalidation of
 * arm64's __flush_tlb_pgtable (v4.1, 285994a62c80) it is clean under exploration.
 */
import type { TableFlush } from "../src/scenario/types.js";

export function tableFreeScenario(id: string, flush: TableFlush, expect: "clean" | "violation", description: string) {
  const rd = (va: string) => ({ op: "read", va });
  return {
    id,
    description,
    expect,
    machine: { arch: "armv8", cores: 2, tlbEntries: 8, walkCache: { entries: 4, asidTagged: true } },
    tables: {
      kernel: { "0xc0008000": { pa: "0x80008000" } },
      A: { "0x200000": { pa: "0x10000" } },
    },
    kernel: { asidAllocator: "static", asidBits: 16, switchSequence: "atomic" },
    tasks: [
      {
        id: "A.0",
        mm: "A",
        cores: [0],
        script: [
          { op: "unmap", va: "0x200000", shootdown: "broadcast-last-level" },
          { op: "free-table", va: "0x200000", flush },
          { op: "map", va: "0x400000", pa: "0x20000" },
          rd("0x400000"),
        ],
      },
      { id: "A.1", mm: "A", cores: [1], script: [rd("0x200000"), rd("0x200000"), rd("0x200000")] },
    ],
  };
}

export const walkCacheTableFreeLastLevel = {
  ...tableFreeScenario(
    "walk-cache-table-free-last-level",
    "last-level",
    "violation",
    "arm64 walk caches: a page-table page freed with only a last-level TLBI (VALE1IS) and reused; another core walks into it (violation)",
  ),
  // Found by `explore --strategy dpor` (89 schedules): core 1 caches the level-1 entry, core 0 unmaps,
  // frees and reuses the table page, core 1 walks through its walk cache into it.
  schedule: { choices: "0{6}1{7}0{5}110{7}110{3}1" },
};

export const walkCacheTableFree = tableFreeScenario(
  "walk-cache-table-free",
  "pgtable",
  "clean",
  "arm64 walk caches: pmd_clear, TLBI VAE1IS (walk cache too), DSB, then the table page is freed and reused (clean)",
);
