/**
 * Isolation: a non-global translation is only ever used by the address space whose tables it was
 * walked from (a task never another task's; VMIDs keep VMs apart the same way, ARM ARM B3.9.1). The
 * kernel's entries that every mm's table copies (TTBCR.N = 0, src/scenario/arch.ts) belong to no mm.
 */
import { stage1Table } from "../../cores/walk.js";
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import { describeEntry, describeRunning } from "./describe.js";
import { touchesNothing } from "../events/spec.js";
import type { Invariant } from "./invariant.js";

export const isolation: Invariant = {
  name: "isolation",
  on: ["tlb.hit"],
  // The hit's own core: its registers and TLB entry, which the hit touches already.
  reads: touchesNothing,
  check(s: MachineState, ev: SimEvent): string | null {
    if (ev.type !== "tlb.hit") return null;
    const core = s.cores[ev.core]!;
    const e = core.tlb[ev.slot]!;
    if (e.global) return null;
    const table = stage1Table(core.regs, e.vpn, Math.floor(s.pageOffset / 4096));
    if (table === e.table) return null;
    // TTBCR.N = 0: every mm's table holds the same copy of the kernel's entries (pgd_alloc), so an entry
    // walked from another mm's copy of a kernel mapping is the kernel's translation, not that mm's.
    const mine = s.tables[table]?.[e.vpn];
    if (mine !== undefined && mine === s.tables[e.table]?.[e.vpn]) return null;
    return `core ${ev.core} running ${describeRunning(s, ev.core)} with table ${table} used ${describeEntry(e)}`;
  },
};
