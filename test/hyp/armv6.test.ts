/**
 * The seed's question on the ARMv6 world switch: global host kernel mappings without a flush let the
 * guest hit the host's entries; a flush on every switch, or non-global host mappings, keep them apart.
 */
import { describe, expect, it } from "vitest";
import { vpnOf } from "../../cores/page-table.js";
import { builtin } from "../support/sim.js";
import { fold, is, run, where } from "../kernel/kernel-helpers.js";

const SEEDS = [1, 2, 3, 4, 5];

describe("armv6-kvm world switch", () => {
  it("ends kvm-armv6-global-kernel in an isolation violation naming the host's global entry the guest hit", async () => {
    const sc = builtin("kvm-armv6-global-kernel");
    for (const seed of SEEDS) {
      const r = await run(sc, seed);
      expect(r.outcome.violation?.invariant, where(sc, seed, r)).toBe("vm-isolation");
      expect(r.outcome.violation!.message).toMatch(/guest of vm1 .* used the host's translation: a TLB entry for VA 0xc001[01]000 .* under a global entry from table kernel/);
    }
  });

  it.each(["kvm-armv6-flush", "kvm-armv6-nonglobal"])("runs %s clean under every seed tried", async (id) => {
    const sc = builtin(id);
    for (const seed of SEEDS) {
      const r = await run(sc, seed);
      expect(r.outcome.violation, where(sc, seed, r)).toBeNull();
      expect(r.outcome.reason).toBe("done");
    }
  });

  it("resolves every guest access above PAGE_OFFSET through the guest's shadow tables, never the host's, under non-global", async () => {
    const sc = builtin("kvm-armv6-nonglobal");
    const r = await run(sc, 2);
    let checked = 0;
    fold(sc, r.events, (s, ev) => {
      if ((ev.type !== "tlb.hit" && ev.type !== "tlb.fill") || ev.va < sc.machine.pageOffset || ev.va === sc.hyp!.sharedPage) return;
      const h = s.hyp!.cores[ev.core]!;
      const e = ev.type === "tlb.fill" ? ev.entry : s.cores[ev.core]!.tlb[ev.slot]!;
      if (h.inGuest) {
        checked++;
        expect(e.table).toMatch(/^vm1\.(init|sh)\.shadow$/);
        // Guest RAM is backed by host pages at 0x60000000; the host kernel lives at 0x80000000.
        expect(e.pa >>> 28).toBe(6);
        expect(e.global).toBe(false);
      } else {
        expect(e.table).toBe("kernel");
      }
    });
    expect(checked).toBeGreaterThan(50);
  });

  it("flushes the whole TLB on every entry and exit with flushOnSwitch, and never without", async () => {
    for (const [id, flushes] of [["kvm-armv6-flush", true], ["kvm-armv6-nonglobal", false]] as const) {
      const r = await run(builtin(id), 1);
      const switches = r.events.filter((e) => e.type === "hyp.enter" || e.type === "hyp.exit").length;
      const tlbis = r.events.filter(is("tlbi")).filter((e) => e.op.scope === "all");
      expect(switches).toBeGreaterThan(20);
      expect(tlbis.length).toBe(flushes ? switches : 0);
    }
  });

  it("runs the guest in USR mode with TTBCR.N = 0 on a shadow table, and the host with the split and its own mm", async () => {
    const sc = builtin("kvm-armv6-nonglobal");
    const r = await run(sc, 3);
    fold(sc, r.events, (s, ev) => {
      if (ev.type !== "tlb.hit" && ev.type !== "tlb.fill") return;
      const c = s.cores[ev.core]!;
      if (s.hyp!.cores[ev.core]!.inGuest) {
        expect(c.regs).toMatchObject({ mode: "USR", ttbcrSplit: false });
        expect(c.regs.ttbr0).toMatch(/\.shadow$/);
      } else if (vpnOf(ev.va) !== vpnOf(sc.hyp!.sharedPage)) {
        expect(c.regs.ttbcrSplit).toBe(true);
        expect(c.regs.ttbr0).not.toMatch(/\.shadow$/);
      }
    });
  });

  it("makes the host kernel's entries global or not as hostKernelMappings says, the shared page global in both worlds", () => {
    const g = builtin("kvm-armv6-flush").tables;
    const n = builtin("kvm-armv6-nonglobal").tables;
    expect(g.kernel![0xc0010000]!.global).toBe(true);
    expect(n.kernel![0xc0010000]!.global).toBe(false);
    expect(n.kernel![0xffff1000]!.global).toBe(true);
    expect(n["vm1.init.shadow"]![0xffff1000]).toEqual(n.kernel![0xffff1000]);
    // A shadow entry is the guest's VA → IPA followed through stage 2, and never global.
    expect(n["vm1.init.shadow"]![0xc0010000]).toEqual({ pa: 0x60002000, global: false, writable: true });
  });
});

describe("armv6-kvm interrupt injection", () => {
  it("enters the guest with low vectors after an injected interrupt and restores high vectors on exit", async () => {
    const sc = builtin("kvm-armv6-nonglobal");
    const r = await run(sc, 1);
    let low = 0;
    let pendingRestore = false;
    fold(sc, r.events, (s, ev) => {
      const c = s.cores[ev.core]!;
      if (ev.type === "hyp.enter" && !c.regs.vectorsHigh) {
        low++;
        pendingRestore = true;
      }
      if (ev.type === "hyp.exit") expect(pendingRestore || c.regs.vectorsHigh).toBe(true);
      if (ev.type === "sched.pick" || ev.type === "sched.yield") expect(c.regs.vectorsHigh).toBe(true);
      if (ev.type === "reg.write" && ev.regs.vectorsHigh === true) pendingRestore = false;
    });
    expect(low).toBe(12);
  });
});
