/**
 * The 2.6.36 roll-over's local_flush_tlb_all() reaches what the CPU type's TLB flags say: the whole
 * inner-shareable domain on an ARMv7 SMP kernel (TLBIALLIS), the own core on ARM11MPCore (TLBIALL).
 */
import { describe, expect, it } from "vitest";
import { readScenario } from "../../scenarios/index.js";
import { is, loadRaw, run } from "./kernel-helpers.js";

function rollover(arch: string, flushAllScope?: string) {
  const raw = loadRaw({ id: `flush-${arch}`, cores: 2, asidBits: 2, allocator: "linux-2.6.36", mms: 5, slices: 4 });
  const machine = { ...(raw.machine as object), arch };
  const kernel = { ...(raw.kernel as object), ...(flushAllScope ? { flushAllScope } : {}) };
  return readScenario({ ...raw, machine, kernel }, "t");
}

describe("flush scope of the 2.6.36 roll-over", () => {
  it.each([
    ["armv7", undefined, true],
    ["armv6", undefined, false],
    ["armv7", "local", false],
    ["armv6", "inner-shareable", true],
  ] as const)("on %s with flushAllScope %s broadcasts the roll-over flush: %s", async (arch, scope, broadcast) => {
    const sc = rollover(arch, scope);
    expect(sc.kernel.flushAllScope).toBe(broadcast ? "inner-shareable" : "local");
    const r = await run(sc, 1);
    expect(r.outcome.violation).toBeNull();
    const flushes = r.events.filter(is("tlbi")).filter((e) => e.op.scope === "all");
    expect(r.events.some((e) => e.type === "asid.rollover")).toBe(true);
    expect(flushes.length).toBeGreaterThan(0);
    for (const f of flushes) expect(f.broadcast).toBe(broadcast);
  });
});
