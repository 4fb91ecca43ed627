/**
 * A TLB holds entries from before a context-ID change for as long as the architecture allows: entries
 * are tagged with their ASID (ARM ARM DDI 0406C B3.9.3 "TLB matching": a non-global entry matches only
 * its own ASID; writing CONTEXTIDR invalidates nothing, B3.10.4), so switching back to an mm hits what
 * was cached before the switch, and only TLB maintenance removes entries. This is why the ASID and the
 * table base must change together (the reserved-ASID sequence): `asid-switch-no-reserved` fails under a
 * speculative walk between the two writes, `reserved-asid` does not.
 */
import { describe, expect, it } from "vitest";
import { builtin } from "../support/sim.js";
import { run } from "../kernel/kernel-helpers.js";

describe("a TLB across context-ID changes", () => {
  it("never drops an entry on a CONTEXTIDR write: a switch back to the ASID hits what was filled before", async () => {
    const sc = builtin("default");
    const r = await run(sc, 1);
    // Per core and slot: whether a (non-reserved) ASID write happened on that core since the slot's fill.
    const switchedSinceFill = new Map<string, boolean>();
    let hitsAfterSwitch = 0;
    for (const ev of r.events) {
      if (ev.type === "tlb.fill") switchedSinceFill.set(`${ev.core}:${ev.slot}`, false);
      if (ev.type === "reg.write" && ev.regs.asid !== undefined && ev.regs.asid !== 0) {
        for (const k of switchedSinceFill.keys()) if (k.startsWith(`${ev.core}:`)) switchedSinceFill.set(k, true);
      }
      if (ev.type === "tlb.hit" && switchedSinceFill.get(`${ev.core}:${ev.slot}`)) hitsAfterSwitch++;
    }
    expect(hitsAfterSwitch).toBeGreaterThan(0);
  });

  it("shows why ASID and table base must change together: no reserved step fails, the reserved ASID is clean", async () => {
    const bad = builtin("asid-switch-no-reserved");
    const r = await run(bad, bad.schedule.seed);
    expect(r.outcome.violation).not.toBeNull();
    const good = { ...bad, kernel: { ...bad.kernel, switchSequence: "reserved-asid" as const } };
    for (const seed of [1, 2, 3, 4, 5]) expect((await run(good, seed)).outcome.violation).toBeNull();
  });
});
