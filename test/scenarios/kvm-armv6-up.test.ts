import { describe, expect, it } from "vitest";
import { builtin, runWith } from "../support/sim.js";

// Issue 13, item 10: the seed measured on a uniprocessor ARM11; the `-up` pair is the same load on one core.
describe("the uniprocessor ARMv6 KVM pair", () => {
  it("runs every task on the one core, with no IPIs, and stays clean with and without the flush", () => {
    for (const id of ["kvm-armv6-flush-up", "kvm-armv6-nonglobal-up"]) {
      const s = builtin(id);
      expect(s.machine.cores).toBe(1);
      const r = runWith(s);
      expect(r.outcome.violation, id).toBeNull();
      expect(r.state.cores).toHaveLength(1);
      expect(r.state.cores[0]!.counters.ipiReceived).toBe(0);
    }
  });

  it("saves modelled cycles without the flush, as the seed reported (a direction, not the 33 %)", () => {
    const cycles = (id: string) => runWith(builtin(id)).state.cores[0]!.counters.cycles;
    const flush = cycles("kvm-armv6-flush-up");
    const nonglobal = cycles("kvm-armv6-nonglobal-up");
    expect(nonglobal).toBeLessThan(flush);
  });
});
