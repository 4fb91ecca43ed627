/**
 * mm_cpumask and switch_mm's prev == next decision (arch/arm/include/asm/mmu_context.h, v2.6.36 and v3.10):
 * `if (!cpumask_test_and_set_cpu(cpu, mm_cpumask(next)) || prev != next)`, and ARM11MPCore's IPI
 * shootdowns reach only the CPUs in the mm's mask (on_each_cpu_mask, arch/arm/kernel/smp.c).
 */
import { describe, expect, it } from "vitest";
import { readScenario } from "../../scenarios/index.js";
import type { AsidAllocator } from "../../src/kernel/asid/allocator.js";
import { builtinAllocators } from "../../src/kernel/asid/registry.js";
import { simulate } from "../../src/run/simulate.js";
import { FifoChooser } from "../../src/engine/chooser.js";
import type { SimEvent } from "../../src/events/index.js";
import { is, run } from "./kernel-helpers.js";

const rd = (va: string) => ({ op: "read", va });

/** mm A has a thread on cores 0 and 1; core 2 only ever runs mm B. A.0 unmaps a page with an IPI shootdown. */
function ipiShootdown(allocator = "static") {
  return readScenario(
    {
      id: "mask",
      machine: { arch: "armv6", cores: 3, tlbEntries: 16 },
      tables: {
        kernel: { "0xc0008000": { pa: "0x80008000" } },
        A: { "0x8000": { pa: "0x10000" } },
        B: { "0x8000": { pa: "0x20000" } },
      },
      kernel: { asidAllocator: allocator, switchSequence: "ttbr-then-asid" },
      tasks: [
        { id: "A.0", mm: "A", cores: [0], script: [rd("0x8000"), { op: "unmap", va: "0x8000", shootdown: "ipi" }] },
        { id: "A.1", mm: "A", cores: [1], script: [rd("0x8000"), { op: "yield" }, rd("0xc0008000")] },
        { id: "B", mm: "B", cores: [2], script: [rd("0x8000"), { op: "yield" }, rd("0x8000")] },
      ],
    },
    "t",
  );
}

describe("mm_cpumask", () => {
  it.each(["static", "linux-2.6.36"])("sends flush_tlb_page's IPI only to the CPUs that ran the mm (%s)", async (allocator) => {
    for (const seed of [1, 2, 3, 4]) {
      const r = await run(ipiShootdown(allocator), seed);
      expect(r.outcome.violation).toBeNull();
      const sends = r.events
        .filter(is("ipi.send"))
        .filter((e) => e.msgs.every((m) => m.kind === "ipi" && m.ipi === "flush-tlb-page"));
      expect(sends.length).toBeLessThanOrEqual(1);
      for (const s of sends) expect(s.msgs.map((m) => m.to)).toEqual([1]);
    }
  });

  it("sets this CPU's bit at every switch_mm, and never clears it (ARMv6/v7 caches are not VIVT)", async () => {
    const r = await run(ipiShootdown(), 1);
    const bits = r.events.filter(is("var.xchg")).filter((e) => e.name.includes(".mm_cpumask["));
    expect([...new Set(bits.map((e) => e.name))].sort()).toEqual(["A.mm_cpumask[0]", "A.mm_cpumask[1]", "B.mm_cpumask[2]"]);
    for (const b of bits) expect(b.value).toBe(1);
    expect(r.events.filter(is("var.write")).filter((e) => e.name.includes(".mm_cpumask[") && e.value === 0)).toEqual([]);
  });

  it("does not switch when a core goes back to the mm it has loaded and its bit is set (prev == next)", async () => {
    const r = await run(ipiShootdown(), 1);
    // B runs two slices on core 2: one switch, then switch_mm(B, B) with the bit set does nothing.
    const assigns = r.events.filter(is("asid.assign")).filter((e) => e.core === 2);
    expect(assigns).toHaveLength(1);
  });

  it("lets an allocator's switchMm make the prev == next decision itself", () => {
    const calls: [string | undefined, string][] = [];
    const base = builtinAllocators.static!;
    const deciding: AsidAllocator = {
      ...base,
      name: "deciding",
      decidesPrevNext: true,
      *switchMm(k, cpu, mm, prev) {
        calls.push([prev, mm]);
        yield* base.switchMm(k, cpu, mm); // switches every time: its own decision
      },
    };
    const events: SimEvent[] = [];
    simulate(ipiShootdown(), deciding, new FifoChooser(), (e) => events.push(e));
    expect(calls).toContainEqual(["B", "B"]);
    expect(events.filter(is("asid.assign")).filter((e) => e.core === 2)).toHaveLength(2);
  });
});
