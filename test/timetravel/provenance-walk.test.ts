/** `why` names the base register the walk really started from: the walker's rule, TTBCR included. */
import { describe, expect, it } from "vitest";
import { vpnOf } from "../../cores/page-table.js";
import { provenance } from "../../src/timetravel/provenance.js";
import { builtin, runWith } from "../support/sim.js";

/** Provenance of the first fill of `va` on a host core, asked right after it. */
function whyFirstFill(id: string, va: number) {
  const sc = builtin(id);
  const probe = runWith(sc, { seed: 1 });
  const at = probe.events.findIndex(
    (e) => e.type === "tlb.fill" && vpnOf(e.va) === vpnOf(va) && !e.entry.table.endsWith(".shadow"),
  );
  expect(at).toBeGreaterThanOrEqual(0);
  const r = runWith(sc, { seed: 1, snapshots: new Set([at, at + 1]) });
  const core = r.events[at]!.core;
  return provenance(r.after.get(at + 1)!, core, va, r.events, (n) => r.after.get(n)!);
}

describe("provenance of a fill", () => {
  it("says TTBR0 for a kernel VA under TTBCR.N = 0 (ARMv7 without LPAE), where the walk read the mm's table", () => {
    const p = whyFirstFill("default", 0xc0008000);
    expect(p.origin!.via).toBe("TTBR0");
    expect(p.origin!.regs.ttbr0).toBe(p.entry!.table);
  });

  it("says TTBR1 for a kernel VA on arm64, where the walk read the kernel's table", () => {
    const p = whyFirstFill("asid-arm64", 0xc0008000);
    expect(p.origin!.via).toBe("TTBR1");
    expect(p.entry!.table).toBe("kernel");
  });
});
