/** Specs of translation events: TLB hits and fills, faults, maintenance, page-table writes. */
import { hex, PAGE_SIZE } from "../../cores/page-table.js";
import type { TablePageUse } from "../../cores/table-pages.js";
import type { Tlbi } from "../../cores/tlb.js";
import { walkSteps } from "../../cores/walk.js";
import { changes, type SpecTable } from "./spec.js";
import type { TlbEvent } from "./tlb-events.js";

/** A TLBI operation as the ARM ARM names it (B4.2.2; the IS suffix is added for broadcast). */
export const tlbiText = (op: Tlbi): string => {
  switch (op.scope) {
    case "all":
      return "TLBIALL";
    case "allvm":
      return "TLBIALLNSNH";
    case "vmid":
      return `TLBI VMID ${op.vmid ?? "cur"}`;
    case "asid":
      return `TLBIASID ${op.asid}`;
    case "va":
      return `TLBIMVA${op.leaf ? "L" : ""} ${hex((op.vpn ?? 0) * PAGE_SIZE)} ASID ${op.asid}`;
    case "vaa":
      return `TLBIMVAA${op.leaf ? "L" : ""} ${hex((op.vpn ?? 0) * PAGE_SIZE)}`;
  }
};

/** What a reused table page holds now, for a walk that reached it through a stale walk-cache entry. */
function walkCacheHolds(holds: TablePageUse | null | undefined): string {
  if (holds === undefined) return "";
  return holds === null ? " (now free)" : ` (now ${holds.table}'s table for ${hex(holds.l1 * 512 * PAGE_SIZE)})`;
}

export const tlbSpecs: SpecTable<TlbEvent> = {
  "tlb.hit": {
    changes: changes(["lru"]),
    touches: (ev, t) => {
      t.write(`tlb:${ev.core}`);
      t.read(`regs:${ev.core}`);
    },
    describe: (ev) => `${ev.write ? "write" : "read"} ${hex(ev.va)} hit slot ${ev.slot}`,
  },
  "tlb.fill": {
    changes: changes(["tlb", "lru"]),
    touches: (ev, t) => {
      t.write(`tlb:${ev.core}`);
      t.read(`regs:${ev.core}`);
      t.read(`pt:${ev.entry.table}`);
      // armv8: what a walk may read depends on the PTE writers' DSB and ISB (src/memory/pte-visibility.ts),
      // and a two-stage walk also on the stage-2 table, which the event does not name: `pt2`, which every
      // PTE store writes (src/engine/stale-walk.ts).
      if (ev.pte !== undefined) {
        t.read("ptw");
        if (ev.steps > walkSteps(false)) t.read("pt2");
      }
      // Through a table page: what it holds now (another table's descriptors, when it was reused).
      if (ev.wc) t.read(`ptpage:${ev.wc.pfn}`);
      if (ev.wc?.holds) t.read(`pt:${ev.wc.holds.table}`);
    },
    describe: (ev) => {
      const e = ev.entry;
      const tag = e.global ? "global" : `ASID ${e.gen ? `${e.gen}:` : ""}${e.asid}`;
      const via = !ev.wc?.cached
        ? ""
        : ` via walk cache → table page ${hex(ev.wc.pfn * PAGE_SIZE)}${walkCacheHolds(ev.wc.holds)}`;
      return `${ev.spec ? "spec walk" : ev.write ? "write miss" : "read miss"} ${hex(ev.va)}→${hex(e.pa)} ${tag} (${e.table})${via}`;
    },
  },
  "mmu.fault": {
    changes: changes(),
    touches: (ev, t) => {
      t.read(`regs:${ev.core}`);
      t.read(`pt:${ev.table}`);
      if (ev.pte !== undefined) {
        t.read("ptw");
        if (ev.steps > walkSteps(false)) t.read("pt2");
      }
    },
    describe: (ev) => `${ev.spec ? "spec walk" : "FAULT"} ${hex(ev.va)} unmapped in ${ev.table}`,
  },
  tlbi: {
    // Broadcast: the core now waits for the other cores' acks (its DSB will).
    changes: changes(["tlb", "wait"], ["inflight"]),
    touches: (ev, t) => {
      t.write(`tlb:${ev.core}`);
      for (const m of ev.msgs) t.creates(m.id);
      if (ev.broadcast) t.write(`tacks:${ev.core}`);
    },
    describe: (ev) => `${tlbiText(ev.op)}${ev.broadcast ? "IS" : ""} (-${ev.removed})`,
  },
  "pte.write": {
    changes: changes([], ["tables", "stale"]),
    touches: (ev, t) => {
      t.write(`pt:${ev.table}`);
      if (ev.ptAlloc !== undefined) t.write(`ptpage:${ev.ptAlloc}`);
      // A stage-2 table is walked under a name the fill does not carry (see tlb.fill): only armv8 walks read it.
      t.write("pt2");
    },
    describe: (ev) => (ev.pte ? `pte ${ev.table} ${hex(ev.va)}→${hex(ev.pte.pa)}` : `pte ${ev.table} ${hex(ev.va)} cleared`),
  },
  "pte.retire": {
    changes: changes([], ["stale"]),
    touches: (ev, t) => t.write(`pt:${ev.table}`),
    describe: (ev) => `retire ${ev.table} ${hex(ev.va)} (page freed)`,
  },
};
