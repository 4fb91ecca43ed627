/**
 * Why ARMv7 switch_mm goes through the reserved ASID (ARM ARM B3.10.4; Cortex-A15 TRM Example 5-1;
 * cpu_v7_switch_mm in 2.6.3x). Two mms take turns on core 0 under the ARMv7 allocator of 2.6.36, with
 * speculative walks on and the naive order: CONTEXTIDR first, then TTBR0. A walk between the two
 * writes fills the TLB with the old mm's translation tagged with the new mm's ASID, and the new mm
 * then reads the old mm's page. Under `reserved-asid` the same schedule is clean.
 */
export default {
  id: "asid-switch-no-reserved",
  description: "ASID written before TTBR0 with speculative walks: a walk in between mixes two mms (a violation)",
  expect: "violation",
  // The first seed whose speculative walk lands in the window (seed 1 runs clean since the TTBCR.N = 0
  // layout of issue 13 changed the timing), so `smpsim run` shows the violation as listed.
  schedule: { seed: 2 },
  machine: { cores: 2, tlbEntries: 16, speculation: { enabled: true, rate: 0.2, vas: ["0x8000"] } },
  tables: {
    kernel: { "0xc0008000": { pa: "0x80008000" } },
    A: { "0x8000": { pa: "0x10000" } },
    B: { "0x8000": { pa: "0x20000" } },
    C: { "0x8000": { pa: "0x30000" } },
  },
  kernel: { asidAllocator: "linux-2.6.36", asidBits: 8, switchSequence: "asid-then-ttbr" },
  tasks: [
    { id: "A", mm: "A", cores: [0], script: [{ op: "repeat", times: 4, body: [{ op: "read", va: "0x8000" }, { op: "yield" }] }] },
    { id: "B", mm: "B", cores: [0], script: [{ op: "repeat", times: 4, body: [{ op: "read", va: "0x8000" }, { op: "yield" }] }] },
    {
      id: "C",
      mm: "C",
      cores: [1],
      script: [
        {
          op: "repeat",
          times: 4,
          body: [
            { op: "read", va: "0x8000" },
            { op: "read", va: "0xc0008000" },
          ],
        },
      ],
    },
  ],
};
