/**
 * Two threads of one mm on cores 0 and 1. Thread A.0 unmaps a page that thread A.1 keeps reading; the
 * unmapping core clears the PTE, broadcasts TLBIMVAIS and waits for it at the DSB before the page is
 * freed (flush_tlb_page on ARMv7 SMP, arch/arm/include/asm/tlbflush.h). No schedule can leave core 1
 * using the page after it is freed: it may hit the old entry only while the shootdown is in flight.
 */
import type { Shootdown } from "../src/scenario/types.js";

export function munmapScenario(id: string, shootdown: Shootdown, expect: "clean" | "violation", description: string) {
  const rd = (va: string) => ({ op: "read", va });
  return {
    id,
    description,
    expect,
    machine: { cores: 2, tlbEntries: 16 },
    tables: {
      kernel: { "0xc0008000": { pa: "0x80008000" } },
      A: { "0x8000": { pa: "0x10000" }, "0x9000": { pa: "0x11000" } },
    },
    kernel: { asidAllocator: "static", switchSequence: "reserved-asid" },
    tasks: [
      {
        id: "A.0",
        mm: "A",
        cores: [0],
        script: [
          rd("0x8000"),
          { op: "write", va: "0x9000" },
          rd("0xc0008000"),
          { op: "unmap", va: "0x8000", shootdown },
          rd("0x9000"),
        ],
      },
      {
        id: "A.1",
        mm: "A",
        cores: [1],
        script: [
          rd("0x8000"),
          rd("0x9000"),
          rd("0x8000"),
          rd("0xc0008000"),
          rd("0x8000"),
          rd("0x9000"),
          rd("0x8000"),
          rd("0x8000"),
        ],
      },
    ],
  };
}

export default munmapScenario(
  "tlb-shootdown-munmap",
  "broadcast",
  "clean",
  "munmap on one thread while another reads the page; broadcast TLBI and DSB before the page is freed (clean)",
);

/**
 * The TLBI issued before the PTE store is complete (no DSB between them), under the armv8 memory model:
 * core 1's walk after the invalidation reaches it may still read the old descriptor (ARM ARM D5.10.2;
 * Simner et al., ESOP 2022), refill the entry, and use the page after it is freed. Clean under sc.
 */
export const munmapNoDsbArmv8 = {
  ...munmapScenario(
    "tlb-shootdown-munmap-no-dsb-armv8",
    "broadcast-no-dsb",
    "violation",
    "munmap with the TLBI before the PTE store is complete (no DSB between), armv8 memory: another core's walk refills the old PTE (violation)",
  ),
  machine: { cores: 2, tlbEntries: 16, memoryModel: "armv8" },
  // Found by `explore --strategy dpor` (schedule 27): core 0 clears the PTE and broadcasts TLBIMVAIS;
  // core 1 takes the invalidation, misses, and its walk reads the old descriptor (the `1` read choice).
  schedule: { choices: "0{26}100110{5}" },
};

/** The correct sequence (PTE store, DSB, TLBI IS, DSB) under the armv8 memory model: clean. */
export const munmapArmv8 = {
  ...munmapScenario(
    "tlb-shootdown-munmap-armv8",
    "broadcast",
    "clean",
    "munmap with PTE store, DSB, broadcast TLBI, DSB under the armv8 memory model (clean)",
  ),
  machine: { cores: 2, tlbEntries: 16, memoryModel: "armv8" },
};
