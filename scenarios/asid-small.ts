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

/**
 * Symmetry reduction's example (README, "Symmetry reduction"): arm64's allocator, 2 cores, 2-bit ASIDs,
 * and on core 0 two tasks M0 and M2 that the scenario declares interchangeable (each its own mm, the
 * same script, tables alike up to their physical pages), beside M1 on core 1. The "any" scheduler
 * lets either run first, so states that differ by swapping M0 and M2 are reached; stateful search with
 * `--symmetry on` stores each pair once.
 */
const symTask = (id: string, core: number) => ({
  id,
  mm: id,
  cores: [core],
  script: [{ op: "read", va: "0x8000" }, { op: "yield" }, { op: "read", va: "0x8000" }],
});
export const asidSmallSym = {
  id: "asid-small-sym",
  description:
    "arm64, 2 cores, 3 mms (two of them declared symmetric), 2-bit ASIDs, any scheduler: symmetry reduction's example (clean)",
  expect: "clean",
  machine: { arch: "armv8", cores: 2, tlbEntries: 16, speculation: { enabled: false, rate: 0.05 } },
  tables: {
    kernel: { "0xc0008000": { pa: "0x80008000" } },
    M0: { "0x8000": { pa: "0x100000" } },
    M1: { "0x8000": { pa: "0x102000" } },
    M2: { "0x8000": { pa: "0x104000" } },
  },
  kernel: { asidAllocator: "arm64", asidBits: 2, switchSequence: "atomic", scheduler: "any" },
  tasks: [symTask("M0", 0), symTask("M1", 1), symTask("M2", 0)],
  symmetry: [{ tasks: ["M0", "M2"] }],
};
