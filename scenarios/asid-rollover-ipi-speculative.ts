/**
 * A finding of this model: Linux 2.6.36's reset_context (arch/arm/mm/context.c) gives the CPU's
 * per_cpu(current_mm) its new ASID and writes CONTEXTIDR only, leaving TTBR0 alone. switch_mm sets
 * current_mm = next *before* it switches tables, with interrupts enabled; if the roll-over IPI lands in
 * between, CONTEXTIDR holds next's new ASID while TTBR0 still points at prev's tables, and a
 * speculative walk (Cortex-A9/A15 walk speculatively) tags prev's translation with next's ASID. When
 * next runs, it uses prev's page. (Kernels from 3.x call cpu_switch_mm(mm->pgd, mm) in the handler,
 * which loads both.) The asid-rollover-ipi load with speculative walks on.
 */
import { rolloverLoad } from "./rollover-load.js";

const base = rolloverLoad(
  "asid-rollover-ipi-speculative",
  "linux-2.6.36 + speculative walks: reset_context sets next's ASID while TTBR0 holds prev's tables (a violation)",
  { asidAllocator: "linux-2.6.36", asidBits: 3, switchSequence: "reserved-asid" },
  true,
);

export default { ...base, expect: "violation" };
