/**
 * A stage-1 walk on a machine with walk caches (machine.walkCache): the level-1 descriptor comes from
 * the core's walk cache when it holds one for the VA (tagged as configured), else from the table (and
 * the walk caches it: the reducer, src/state/table-pages.ts); the level-2 descriptor is read from the
 * table page it points at, whatever that page holds now (cores/table-pages.ts). A walk that hits in the
 * walk cache reads one descriptor instead of two. Stage 2 on: the plain walk (walk caches of stage-2
 * and combined entries are not modelled).
 */
import type { CoreState } from "../../cores/core-state.js";
import { l1Of, readTablePage } from "../../cores/table-pages.js";
import { walkCacheLookup } from "../../cores/walk-cache.js";
import { stage1Table, walk, walkSteps, type Tables, type WalkResult } from "../../cores/walk.js";
import type { WalkCacheUse } from "../events/tlb-events.js";
import type { MachineState } from "../state/machine-state.js";

export function cachedWalk(
  s: MachineState,
  core: CoreState,
  tables: Tables,
  vpn: number,
  pageOffsetVpn: number,
): WalkResult & { wc?: WalkCacheUse } {
  const regs = core.regs;
  if (!s.pt || !s.walkCache || !core.walkCache || regs.stage2) return walk(tables, regs, vpn, pageOffsetVpn);
  const table = stage1Table(regs, vpn, pageOffsetVpn);
  const l1 = l1Of(vpn);
  const hit = walkCacheLookup(core.walkCache, s.walkCache, vpn, regs.asid, regs.vmid);
  const pfn = hit >= 0 ? core.walkCache[hit]!.pfn : s.pt.pmd[table]?.[l1];
  const steps = hit >= 0 ? 1 : walkSteps(false);
  if (pfn === undefined) return { table, pte: null, steps };
  const read = readTablePage(tables, s.pt, pfn, { table, l1 }, vpn);
  const wc: WalkCacheUse = { l1, pfn, cached: hit >= 0 };
  if (read.holds !== undefined) wc.holds = read.holds;
  return { table, pte: read.pte, steps, wc };
}
