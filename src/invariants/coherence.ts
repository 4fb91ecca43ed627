/**
 * Translation coherence: an access that hits in a TLB gets the physical page and permissions a fresh
 * walk of the current tables gives. Until the kernel retires an old translation (its maintenance is
 * complete), a hit on it is still allowed: that window is architectural (ARM ARM B3.10.1), the bug is a
 * hit after it.
 */
import { hex, vpnOf } from "../../cores/page-table.js";
import { walk } from "../../cores/walk.js";
import type { SimEvent } from "../events/index.js";
import { staleKey, type MachineState } from "../state/machine-state.js";
import { describeEntry, describeRunning } from "./describe.js";
import type { Invariant } from "./invariant.js";
import { walkCacheFillViolation } from "./walk-cache-fill.js";

export const coherence: Invariant = {
  name: "translation-coherence",
  // tlb.fill: a walk through a stale walk-cache entry (src/invariants/walk-cache-fill.ts).
  on: ["tlb.hit", "tlb.fill"],
  // A fresh walk of the tables the core translates the VA through now (and their retired translations).
  reads: (ev, t) => (ev.type === "tlb.hit" ? t.read(`pt:${t.stage1Table(ev.core, ev.va)}`) : undefined),
  check(s: MachineState, ev: SimEvent): string | null {
    if (ev.type === "tlb.fill") return ev.wc ? walkCacheFillViolation(s, ev) : null;
    if (ev.type !== "tlb.hit") return null;
    const core = s.cores[ev.core]!;
    const e = core.tlb[ev.slot]!;
    const w = walk(s.tables, core.regs, e.vpn, vpnOf(s.pageOffset));
    if (w.pte && w.pte.pa === e.pa && w.pte.writable === e.writable) return null;
    if (s.stale[staleKey(w.table, e.vpn)]?.includes(e.pa)) return null;
    const now = !w.pte
      ? "do not map it any more, and its old translation was retired (the page may already be reused)"
      : w.pte.pa !== e.pa
        ? `map it to PA ${hex(w.pte.pa)}, not ${hex(e.pa)}`
        : `map it ${w.pte.writable ? "writable" : "read-only"}, not ${e.writable ? "writable" : "read-only"}`;
    return (
      `core ${ev.core} used ${describeEntry(e)}; the current tables (${w.table}) of ` + `${describeRunning(s, ev.core)} ${now}`
    );
  },
};
