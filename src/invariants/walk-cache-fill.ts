/**
 * Translation coherence for walks through a walk cache (machine.walkCache): a walk that took its
 * level-1 descriptor from the walk cache and found the table page it points at holding something other
 * than that table's descriptors (freed and reused: the kernel freed it, so it claims no walker can reach
 * it any more) translated the VA through somebody else's descriptors. Part of translation-coherence
 * (src/invariants/coherence.ts); the fill itself breaks it, before any hit on the entry.
 */
import { hex, PAGE_SIZE } from "../../cores/page-table.js";
import { LEVEL2_BITS } from "../../cores/table-pages.js";
import type { EventOf } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import { describeRunning } from "./describe.js";

export function walkCacheFillViolation(s: MachineState, ev: EventOf<"tlb.fill">): string | null {
  const wc = ev.wc;
  if (!wc?.cached || wc.holds === undefined) return null;
  const page = hex(wc.pfn * PAGE_SIZE);
  const region = (l1: number): string => hex(l1 * (1 << LEVEL2_BITS) * PAGE_SIZE);
  const now = wc.holds === null ? "is free" : `was reused as table ${wc.holds.table}'s page for ${region(wc.holds.l1)}`;
  return (
    `core ${ev.core} (${describeRunning(s, ev.core)}) translated VA ${hex(ev.va)} to PA ${hex(ev.entry.pa)} through a walk-cache ` +
    `entry for ${ev.entry.table}'s ${region(wc.l1)} that points at table page ${page}, which was freed and ${now}: ` +
    `the current tables ${s.tables[ev.entry.table]?.[Math.floor(ev.va / PAGE_SIZE)] ? "map it elsewhere" : "do not map it"}`
  );
}
