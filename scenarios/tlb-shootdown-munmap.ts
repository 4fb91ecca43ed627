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
        script: [rd("0x8000"), { op: "write", va: "0x9000" }, rd("0xc0008000"), { op: "unmap", va: "0x8000", shootdown }, rd("0x9000")],
      },
      {
        id: "A.1",
        mm: "A",
        cores: [1],
        script: [rd("0x8000"), rd("0x9000"), rd("0x8000"), rd("0xc0008000"), rd("0x8000"), rd("0x9000"), rd("0x8000"), rd("0x8000")],
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
