/**
 * Which TLB entries are stale: the table they were walked from no longer maps their VA to the same page
 * with the same permissions (the page was unmapped or remapped and the entry survived its maintenance, or
 * the maintenance has not happened yet). The same comparison as provenance.ts makes for one VA, for every
 * entry at once, so the viewer can flag them without a question per entry.
 *
 * Only host entries (VMID 0) are judged: a guest entry's PA went through a stage-2 table that the entry
 * does not name, so a stage-1 lookup cannot tell whether it still holds.
 */
import type { TlbEntry } from "../../cores/tlb.js";
import type { Tables } from "../../cores/walk.js";
import type { MachineState } from "../state/machine-state.js";

function isStale(tables: Tables, e: TlbEntry): boolean {
  const pte = tables[e.table]?.[e.vpn];
  return !pte || pte.pa !== e.pa || pte.writable !== e.writable;
}

/** For each core, the TLB slots whose entry is stale. */
export function staleSlots(s: MachineState): number[][] {
  return s.cores.map((c) => c.tlb.flatMap((e, slot) => (e.vmid === 0 && isStale(s.tables, e) ? [slot] : [])));
}
