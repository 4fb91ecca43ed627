/**
 * VM isolation: a guest never uses a host translation and never another VM's; the host never uses a
 * guest's. An entry belongs to the world whose tables it was walked from (the hypervisor state knows
 * which VM owns each guest, stage-2 and shadow table; every other table is the host's). The page the
 * ARMv6 world switch runs from is mapped identically in both worlds by design and is exempt.
 * Checked before translation coherence: a guest hitting the host's global kernel entry is first of all
 * a breach of isolation (ARM ARM B3.9.1: without VMIDs, nothing but the ASID and nG keep worlds apart).
 */
import { hex } from "../../cores/page-table.js";
import { walk } from "../../cores/walk.js";
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import { describeEntry } from "./describe.js";
import { touchesNothing } from "../events/spec.js";
import type { Invariant } from "./invariant.js";

export const vmIsolation: Invariant = {
  name: "vm-isolation",
  on: ["tlb.hit"],
  // The hit's own core: its registers and TLB entry, which the hit touches already.
  reads: touchesNothing,
  check(s: MachineState, ev: SimEvent): string | null {
    if (ev.type !== "tlb.hit" || !s.hyp) return null;
    const h = s.hyp.cores[ev.core]!;
    const core = s.cores[ev.core]!;
    const e = core.tlb[ev.slot]!;
    const owner = s.hyp.owner[e.table] ?? "";
    const world = h.inGuest ? h.vm : "";
    if (owner === world) return null;
    const shared = s.hyp.sharedPage;
    if (shared !== undefined && e.vpn === Math.floor(shared / 4096)) return null;
    const whose = owner ? `guest ${owner}'s` : "the host's";
    const who = world ? `the guest of ${world} (vCPU ${h.vcpu})` : `the host (task ${core.task || "idle"})`;
    const w = walk(s.tables, core.regs, e.vpn, Math.floor(s.pageOffset / 4096));
    const own = w.pte ? `its own tables (${w.table}) map it to PA ${hex(w.pte.pa)}` : `its own tables (${w.table}) do not map it`;
    return `core ${ev.core} running ${who} used ${whose} translation: ${describeEntry(e)}; ${own}`;
  },
};
