/**
 * VMID allocation: kvm-3.9's roll-over kicks every vCPU out and flushes every VMID everywhere, every
 * entry after it is under the new generation; kvm-5.16 needs no kick; the 3.9 publish order is racy.
 */
import { describe, expect, it } from "vitest";
import { readScenario } from "../../scenarios/index.js";
import { vmidLoad } from "../../scenarios/a15-vmid-rollover.js";
import { builtin } from "../support/sim.js";
import { fold, is, run, where } from "../kernel/kernel-helpers.js";

/** The schedule PCT found (`explore a15-vmid-publish-race --strategy pct`), shrunk. */
const RACE = "101{33}0{43}";

describe("VMID allocators", () => {
  it("flushes every core and kicks every running vCPU out on a kvm-3.9 roll-over; every later entry is under the new generation", async () => {
    const sc = builtin("a15-vmid-rollover");
    for (const seed of [1, 2, 3]) {
      const r = await run(sc, seed);
      expect(r.outcome.violation, where(sc, seed, r)).toBeNull();
      const rollovers = r.events.filter(is("vmid.rollover"));
      expect(rollovers.length).toBeGreaterThan(0);
      let pending: { core: number; gen: number; seq: number } | null = null;
      fold(sc, r.events, (s, ev) => {
        if (ev.type === "vmid.rollover") {
          pending = { core: ev.core, gen: ev.gen, seq: ev.seq };
          return;
        }
        // The allocating core's DSB after TLBIALLNSNHIS: every core's broadcast invalidation is done,
        // no core is in a guest, and no guest entry filled before the roll-over is left anywhere.
        if (pending && ev.core === pending.core && ev.type === "barrier" && ev.kind === "dsb") {
          for (const [c, core] of s.cores.entries()) {
            expect(s.hyp!.cores[c]!.inGuest, `core ${c} at ${ev.seq}`).toBe(false);
            expect(core.tlb.filter((e) => e.vmid !== 0 && e.filledAt < pending!.seq)).toEqual([]);
          }
          pending = null;
        }
        // Each entry is under the VMID its VM holds in the generation it checked. (A roll-over on
        // another core between that check and the eret is possible: its kick, held while interrupts
        // were off, takes the vCPU straight back out; the DSB check above sees to that.)
        if (ev.type === "hyp.enter") {
          expect(ev.gen).toBe(s.vars[`${ev.vm}.arch.vmid_gen`]);
          expect(ev.gen).toBeLessThanOrEqual(s.vars.kvm_vmid_gen!);
          expect(ev.vmid).toBe(s.vars[`${ev.vm}.arch.vmid`]);
        }
      });
      expect(pending).toBeNull();
      // force_vm_exit: an IPI to every other core, each acked.
      const kicks = r.events.filter(is("ipi.send")).filter((e) => e.msgs[0]?.ipi === "kvm-exit-vm");
      expect(kicks.length).toBe(rollovers.length);
      for (const k of kicks) expect(k.msgs.map((m) => m.to).sort()).toEqual([0, 1, 2, 3].filter((c) => c !== k.core));
    }
  });

  it("takes a vCPU out of the guest before the host's handler runs whenever a kick arrives in a guest", async () => {
    const sc = builtin("a15-vmid-rollover");
    const r = await run(sc, 1);
    const inGuestAt = new Set<number>();
    fold(sc, r.events, (s, ev) => {
      if (ev.type === "bus.deliver" && ev.msg.kind === "ipi" && s.hyp!.cores[ev.core]!.inGuest) inGuestAt.add(ev.seq);
    });
    expect(inGuestAt.size).toBeGreaterThan(0);
    for (const seq of inGuestAt) {
      const core = r.events.find((e) => e.seq === seq)!.core;
      const next = r.events.find((e) => e.seq > seq && e.core === core && e.type !== "choice");
      expect(next?.type, `after the IPI at ${seq}`).toBe("hyp.exit");
      expect(next?.type === "hyp.exit" && next.reason).toBe("irq");
    }
  });

  it("runs kvm-5.16 clean through roll-overs without kicking vCPUs, flushing every VMID at once", async () => {
    const raw = vmidLoad("t-5.16", "", "clean", {
      cores: 4,
      vcpus: [2, 1, 1, 1, 1, 1, 1, 1, 1],
      rounds: 4,
      vmidBits: 3,
      vmidAllocator: "kvm-5.16",
      vmidPublish: "v3.9",
    });
    const sc = readScenario(raw, "test");
    for (const seed of [1, 2, 3]) {
      const r = await run(sc, seed);
      expect(r.outcome.violation, where(sc, seed, r)).toBeNull();
      expect(r.events.filter(is("vmid.rollover")).length).toBeGreaterThan(0);
      expect(r.events.filter(is("ipi.send"))).toEqual([]);
      expect(r.events.filter(is("tlbi")).every((e) => e.op.scope === "allvm" && e.broadcast)).toBe(true);
    }
  });

  it("refuses kvm-5.16 with no more VMIDs than CPUs + 1, as bad input", () => {
    const raw = vmidLoad("t", "", "clean", {
      cores: 4,
      vcpus: [1, 1],
      rounds: 1,
      vmidBits: 2,
      vmidAllocator: "kvm-5.16",
      vmidPublish: "v3.9",
    });
    return expect(run(readScenario(raw, "test"), 1)).rejects.toThrow(/more VMIDs than CPUs/);
  });

  it("lets a vCPU enter with a VTTBR its VM was never given when kvm-3.9 publishes the generation first (the v5.0 race)", async () => {
    const sc = builtin("a15-vmid-publish-race");
    const r = await run(sc, 1, RACE);
    // vm1's first allocation on core 1 stored the new generation; vm1's vCPU on core 0 saw it in both of its
    // checks and loaded kvm->arch.vttbr before the allocator stored it: VMID 0, the host's.
    expect(r.outcome.violation?.invariant).toBe("no-guest-under-host-vmid");
    const enter = r.events.filter(is("hyp.enter")).find((e) => e.vm === "vm1" && e.vmid === 0)!;
    const vttbr = r.events.filter(is("var.write")).find((e) => e.name === "vm1.arch.vttbr")!;
    const gen = r.events.filter(is("var.write")).find((e) => e.name === "vm1.arch.vmid_gen")!;
    expect(gen.seq).toBeLessThan(enter.seq);
    expect(vttbr === undefined || vttbr.seq > enter.seq).toBe(true);
  });

  it("runs the same schedule clean with the VMID published first", async () => {
    const r = await run(builtin("a15-vmid-small"), 1, RACE);
    expect(r.outcome.violation).toBeNull();
  });
});
