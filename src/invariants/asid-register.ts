/**
 * The ASID a core loads into CONTEXTIDR (or TTBR0.ASID) is the one the kernel assigned for the mm it
 * runs (the last `asid.assign` on that core); 0 is the reserved ASID and always allowed. A different
 * value is a stale ASID: every fill from then on is tagged with an ASID the allocator may hand to
 * another mm, whose accesses will then hit these entries.
 */
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import { touchesNothing } from "../events/spec.js";
import type { Invariant } from "./invariant.js";

export const asidRegister: Invariant = {
  name: "asid-register-matches-context",
  on: ["reg.write"],
  // Its own core's registers and kernel context, which only its own core's steps write (program order).
  reads: touchesNothing,
  check(s: MachineState, ev: SimEvent): string | null {
    if (ev.type !== "reg.write" || ev.regs.asid === undefined || ev.regs.asid === 0) return null;
    // With stage 2, CONTEXTIDR belongs to whoever runs at EL1: the guest's ASIDs are the guest's own.
    // The world switch loads them (and the host's back) in Hyp mode.
    const mode = s.cores[ev.core]!.regs.mode;
    if (mode === "HYP" || (s.hyp?.cores[ev.core]!.inGuest && s.cores[ev.core]!.regs.stage2)) return null;
    const ctx = s.cores[ev.core]!.ctx;
    if (!ctx || ctx.asid === ev.regs.asid) return null;
    return (
      `core ${ev.core} loaded ASID ${ev.regs.asid} into CONTEXTIDR, but the kernel's context for mm ${ctx.mm} ` +
      `on this core is ASID ${ctx.generation}:${ctx.asid} (generation:ASID): a stale ASID, so the fills that ` +
      `follow are tagged with an ASID the allocator may give to another mm`
    );
  },
};
