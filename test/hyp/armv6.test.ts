/**
 * The seed's question on the ARMv6 world switch: global host kernel mappings without a flush let the
 * guest hit the host's entries; a flush on every switch, or non-global host mappings, keep them apart.
 */
import { describe, expect, it } from "vitest";
import { vpnOf } from "../../cores/page-table.js";
import { builtin } from "../support/sim.js";
import { builtinScenarios, readScenario } from "../../scenarios/index.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const builtinRaw = (id: string): any => builtinScenarios.find((s) => s.id === id)!.raw;
import { fold, is, run, where } from "../kernel/kernel-helpers.js";

const SEEDS = [1, 2, 3, 4, 5];

describe("armv6-kvm world switch", () => {
  it("ends kvm-armv6-global-kernel in an isolation violation naming the host's global entry the guest hit", async () => {
    const sc = builtin("kvm-armv6-global-kernel");
    for (const seed of SEEDS) {
      const r = await run(sc, seed);
      expect(r.outcome.violation?.invariant, where(sc, seed, r)).toBe("vm-isolation");
      expect(r.outcome.violation!.message).toMatch(
        /guest of vm1 .* used the host's translation: a TLB entry for VA 0xc001[01]000 .* under a global entry from table (qemu|shell|daemon)/,
      );
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
      if ((ev.type !== "tlb.hit" && ev.type !== "tlb.fill") || ev.va < sc.machine.pageOffset || ev.va === sc.hyp!.sharedPage)
        return;
      const h = s.hyp!.cores[ev.core]!;
      const e = ev.type === "tlb.fill" ? ev.entry : s.cores[ev.core]!.tlb[ev.slot]!;
      if (h.inGuest) {
        checked++;
        expect(e.table).toMatch(/^vm1\.(init|sh)\.shadow$/);
        // Guest RAM is backed by host pages at 0x60000000; the host kernel lives at 0x80000000.
        expect(e.pa >>> 28).toBe(6);
        expect(e.global).toBe(false);
      } else {
        // TTBCR.N = 0: the host walks its kernel VAs through the running mm's copy of the kernel's entries.
        expect(e.table).toBe(s.tasks[s.cores[ev.core]!.task]!.mm);
        expect(e.pa >>> 28).toBe(8);
      }
    });
    expect(checked).toBeGreaterThan(50);
  });

  it("flushes the whole TLB on every entry and exit with flushOnSwitch, and never without", async () => {
    for (const [id, flushes] of [
      ["kvm-armv6-flush", true],
      ["kvm-armv6-nonglobal", false],
    ] as const) {
      const r = await run(builtin(id), 1);
      const switches = r.events.filter((e) => e.type === "hyp.enter" || e.type === "hyp.exit").length;
      const tlbis = r.events.filter(is("tlbi")).filter((e) => e.op.scope === "all");
      expect(switches).toBeGreaterThan(20);
      expect(tlbis.length).toBe(flushes ? switches : 0);
    }
  });

  it("runs the guest in USR mode on a shadow table and the host on its own mm, both with TTBCR.N = 0, and never writes TTBCR", async () => {
    const sc = builtin("kvm-armv6-nonglobal");
    const r = await run(sc, 3);
    fold(sc, r.events, (s, ev) => {
      if (ev.type === "reg.write") expect(ev.regs.ttbcrSplit).toBeUndefined();
      if (ev.type !== "tlb.hit" && ev.type !== "tlb.fill") return;
      const c = s.cores[ev.core]!;
      expect(c.regs.ttbcrSplit).toBe(false);
      if (s.hyp!.cores[ev.core]!.inGuest) {
        expect(c.regs.mode).toBe("USR");
        expect(c.regs.ttbr0).toMatch(/\.shadow$/);
      } else if (vpnOf(ev.va) !== vpnOf(sc.hyp!.sharedPage)) {
        expect(c.regs.ttbr0).not.toMatch(/\.shadow$/);
      }
    });
  });

  it("switches worlds through the reserved ASID: CONTEXTIDR 0, TTBR0, then the new ASID, both ways", async () => {
    const sc = builtin("kvm-armv6-nonglobal");
    const r = await run(sc, 1);
    let inSwitch = false; // between a hyp.exit and the end of its switch back to qemu
    let lastAsid = -1;
    let expectAsid = false;
    let switches = 0;
    for (const ev of r.events.filter((e) => e.core === 0)) {
      if (ev.type === "hyp.exit") inSwitch = true;
      if (ev.type !== "reg.write") continue;
      if (ev.regs.ttbr0 !== undefined && (String(ev.regs.ttbr0).endsWith(".shadow") || inSwitch)) {
        switches++;
        expect(lastAsid).toBe(0);
        expectAsid = true;
      }
      if (ev.regs.asid !== undefined) {
        if (expectAsid) {
          expect(ev.regs.asid).toBeGreaterThan(0);
          expectAsid = false;
          inSwitch = false;
        }
        lastAsid = Number(ev.regs.asid);
      }
    }
    expect(switches).toBeGreaterThan(40);
  });

  it("keeps kvm-armv6-nonglobal clean with speculative walks of the kernel VAs the guest shares with the host", async () => {
    const raw = builtinRaw("kvm-armv6-nonglobal");
    const sc = readScenario(
      { ...raw, machine: { ...raw.machine, speculation: { enabled: true, vas: ["0xc0010000", "0xc0000000"], rate: 0.3 } } },
      "t",
    );
    for (const seed of SEEDS) {
      const r = await run(sc, seed);
      expect(r.outcome.violation, where(sc, seed, r)).toBeNull();
    }
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
    expect(low).toBe(6); // one injected interrupt per round
  });
});
