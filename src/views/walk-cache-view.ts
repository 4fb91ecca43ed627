/**
 * A core's walk cache for `tlb N` (machine.walkCache): each cached level-1 entry, the table page it
 * points at, and what that page holds now (a stale entry pointing into a freed or reused page is what
 * src/invariants/walk-cache-fill.ts catches when a walk uses it).
 */
import type { CoreState } from "../../cores/core-state.js";
import { PAGE_SIZE } from "../../cores/page-table.js";
import { LEVEL2_BITS } from "../../cores/table-pages.js";
import { walkCacheLookup, type WalkCacheEntry } from "../../cores/walk-cache.js";
import type { MachineState } from "../state/machine-state.js";
import { hex, table } from "./format.js";

const regionOf = (l1: number): string => hex(l1 * (1 << LEVEL2_BITS) * PAGE_SIZE);

/** What the current tables say about a cached level-1 entry: nothing when it still agrees with them. */
function note(s: MachineState, e: WalkCacheEntry): string {
  const use = s.pt?.pages[e.pfn];
  if (use === null || use === undefined) return "STALE: the table page was freed";
  if (use.table !== e.table || use.l1 !== e.l1) return `STALE: the page is now ${use.table}'s table for ${regionOf(use.l1)}`;
  if (s.pt?.pmd[e.table]?.[e.l1] !== e.pfn) return `STALE: ${e.table} no longer links it (pmd cleared)`;
  return "";
}

export function walkCacheView(s: MachineState, c: CoreState): string[] {
  const cfg = s.walkCache;
  const wc = c.walkCache;
  if (!cfg || !wc) return [];
  const head = `core ${c.id} walk cache: ${wc.length} of ${cfg.entries} level-1 entries (${cfg.asidTagged ? "ASID-tagged" : "not ASID-tagged"}, FIFO)`;
  if (!wc.length) return [head, "  (empty)"];
  const rows = [["", "VA (2 MB)", "ASID", "VMID", "table page", "table", "filled", ""]];
  wc.forEach((e, i) => {
    const live = walkCacheLookup(wc, cfg, e.l1 << LEVEL2_BITS, c.regs.asid, c.regs.vmid) === i ? "*" : " ";
    rows.push([
      live,
      regionOf(e.l1),
      cfg.asidTagged ? String(e.asid) : "any",
      String(e.vmid),
      hex(e.pfn * PAGE_SIZE),
      e.table,
      `#${e.filledAt}`,
      note(s, e),
    ]);
  });
  return [head, ...table(rows).map((l) => `  ${l}`)];
}
