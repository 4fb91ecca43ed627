/**
 * flush_tlb_range and flush_tlb_mm (src/kernel/flush-range.ts): an unmap of several pages clears their
 * PTEs and flushes the range with a TLBI per page; from arm64's MAX_TLBI_OPS (512) pages on, the range
 * flush is one flush of the ASID (flush_tlb_mm). Both shoot down other cores' entries before the pages go.
 */
import { describe, expect, it } from "vitest";
import { builtinScenarios, readScenario } from "../../scenarios/index.js";
import type { SimEvent } from "../../src/events/index.js";
import { runWith } from "../support/sim.js";

function munmap(pages: number, shootdown: string) {
  const raw = structuredClone(builtinScenarios.find((s) => s.id === "tlb-shootdown-munmap")!.raw) as Record<string, any>;
  for (const t of raw.tasks) for (const op of t.script) if (op.op === "unmap") Object.assign(op, { pages, shootdown });
  return readScenario(raw, "munmap-range");
}
const tlbis = (events: SimEvent[]) => events.flatMap((e) => (e.type === "tlbi" ? [e] : []));

describe("flush_tlb_range and flush_tlb_mm", () => {
  it("invalidates each page of a small range by VA, inner-shareable, and stays clean", () => {
    const r = runWith(munmap(2, "broadcast"));
    expect(tlbis(r.events).map((e) => [e.op.scope, e.op.vpn, e.broadcast])).toEqual([
      ["va", 8, true],
      ["va", 9, true],
    ]);
    expect(r.events.filter((e) => e.type === "pte.retire")).toHaveLength(2);
    expect(r.outcome.violation).toBeNull();
  });

  it("flushes the whole ASID instead from MAX_TLBI_OPS pages on (flush_tlb_mm)", () => {
    const r = runWith(munmap(512, "broadcast"));
    expect(tlbis(r.events).map((e) => [e.op.scope, e.broadcast])).toEqual([["asid", true]]);
    expect(r.outcome.violation).toBeNull();
  });

  it("reaches the other cores of the mm by IPI on ARM11MPCore (ipi_flush_tlb_range, ipi_flush_tlb_mm)", () => {
    for (const pages of [2, 512]) {
      const r = runWith(munmap(pages, "ipi"));
      const sent = r.events.flatMap((e) => (e.type === "ipi.send" ? e.msgs.map((m) => m.ipi) : []));
      expect(sent).toEqual([pages === 2 ? "flush-tlb-range" : "flush-tlb-mm"]);
    }
  });
});
