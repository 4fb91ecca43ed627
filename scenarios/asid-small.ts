/**
 * The clean roll-over scenarios cut down for exhaustive exploration (`explore --strategy dfs|dpor`):
 * 2 cores, 4 mms, 2-bit ASIDs (roll-over every few switches), two time slices per task.
 */
import { rolloverLoad, SMALL } from "./rollover-load.js";

const small = (id: string, allocator: string, switchSequence: string, what: string, verdict = "clean") =>
  rolloverLoad(
    id,
    `${what}, 2 cores, 4 mms, 2-bit ASIDs, for exhaustive search (${verdict})`,
    { asidAllocator: allocator, asidBits: 2, switchSequence, scheduler: "round-robin" },
    false,
    SMALL,
  );

/** A run with realistic timing is clean; exploration, which allows any interleaving, finds the IRQ
 *  window of asid-rollover-ipi-irq-window. */
export const asidSmallIpi = small(
  "asid-small-ipi",
  "linux-2.6.36",
  "reserved-asid",
  "linux-2.6.36",
  "runs clean; explore finds the IRQ window",
);
export const asidSmallGeneration = small("asid-small-generation", "linux-4.x", "reserved-ttbr0", "linux-4.x");
export const asidSmallArm64 = small("asid-small-arm64", "arm64", "atomic", "arm64");
