/**
 * A finding of this model, not a scenario from the issue list: Linux 2.6.36's cpu_v7_switch_mm loads
 * mm->context.id into a register, then writes CONTEXTIDR 0, TTBR0 and CONTEXTIDR (proc-v7.S), with
 * interrupts enabled over the context switch (__ARCH_WANT_INTERRUPTS_ON_CTXSW, asm/system.h). If the
 * roll-over IPI (reset_context) lands between that load and the last write, the handler gives the mm
 * ASID cpu+1 of the new generation and returns, and the interrupted code then writes the *old*
 * generation's ASID into CONTEXTIDR. The core runs the mm under an ASID that the allocator later hands
 * to another mm; once that mm runs here, it hits the first mm's entries.
 *
 * The same load as asid-rollover-ipi, with every interleaving allowed (schedule.windowCycles null):
 * the IPI may arrive at any instruction boundary, as it may on hardware, only rarely.
 */
import { rolloverLoad } from "./rollover-load.js";

const base = rolloverLoad(
  "asid-rollover-ipi-irq-window",
  "linux-2.6.36: a roll-over IPI inside cpu_switch_mm leaves a stale ASID in CONTEXTIDR (a violation)",
  { asidAllocator: "linux-2.6.36", asidBits: 3, switchSequence: "reserved-asid" },
  false,
);

export default { ...base, expect: "violation", schedule: { strategy: "random", seed: 9, windowCycles: null } };
// seed 9: the first seed whose roll-over IPI lands inside cpu_switch_mm on the corrected model (issue 13).
