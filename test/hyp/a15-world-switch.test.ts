/**
 * The Cortex-A15 world switch (arch/arm/kvm/interrupts.S, v3.9): what it saves it restores, the
 * virtual timer in the documented order, stage 2 and the VMID on only while in the guest.
 */
import { describe, expect, it } from "vitest";
import type { Registers } from "../../cores/registers.js";
import type { SimEvent } from "../../src/events/index.js";
import { CP15_SWAPPED } from "../../src/hyp/a15-hyp.js";
import { builtin } from "../support/sim.js";
import { fold, onCore, run } from "../kernel/kernel-helpers.js";

type Named = (typeof CP15_SWAPPED)[number] | "cntvCtl" | "cntvCval" | "cntvoff";
const pick = (r: Registers, names: readonly Named[]) => Object.fromEntries(names.map((n) => [n, r[n]]));

describe("a15-hyp world switch", () => {
  it("round-trips every register it names: the guest's from exit to the next entry, the host's from entry to the end of the exit", async () => {
    const sc = builtin("a15-vmid-rollover");
    const r = await run(sc, 1);
    const guestAtExit = new Map<string, Record<string, unknown>>();
    const hostAtEntry = new Map<number, Record<string, unknown>>();
    const exiting = new Set<number>();
    let guestChecks = 0;
    let hostChecks = 0;
    fold(sc, r.events, (s, ev) => {
      const c = s.cores[ev.core]!;
      if (ev.type === "hyp.save" && ev.into === "host") hostAtEntry.set(ev.core, pick(c.regs, CP15_SWAPPED));
      if (ev.type === "hyp.exit") {
        guestAtExit.set(ev.vcpu, pick(c.regs, [...CP15_SWAPPED, "cntvCval"]));
        exiting.add(ev.core);
      }
      if (ev.type === "hyp.enter") {
        const before = guestAtExit.get(ev.vcpu);
        // The timer's ENABLE bit is cleared on exit and the saved CNTV_CTL put back on entry.
        if (before) {
          expect(pick(c.regs, [...CP15_SWAPPED, "cntvCval"]), `entry at ${ev.seq}`).toEqual(before);
          guestChecks++;
        }
        expect(c.regs).toMatchObject({ stage2: true, mode: "SVC", irqOn: true, cntvCtl: 1 });
        expect(c.regs.vmid).toBe(ev.vmid);
      }
      // The exit ends with the eret to the host's SVC mode.
      if (ev.type === "reg.write" && ev.regs.mode === "SVC" && exiting.delete(ev.core)) {
        expect(pick(c.regs, CP15_SWAPPED), `exit ending at ${ev.seq}`).toEqual(hostAtEntry.get(ev.core));
        expect(c.regs).toMatchObject({ stage2: false, vmid: 0, vttbr: "", hcr: 0, cntvoff: 0 });
        expect(c.regs.cntvCtl & 1).toBe(0);
        hostChecks++;
      }
    });
    expect(guestChecks).toBeGreaterThan(50);
    expect(hostChecks).toBeGreaterThan(50);
  });

  it("restores the virtual timer as CNTVOFF, CNTV_CVAL, ISB, CNTV_CTL and saves it as CTL, disable, ISB, CVAL, CNTVOFF ← 0", async () => {
    const sc = builtin("a15-vmid-small");
    const r = await run(sc, 1);
    const timerOps = (evs: SimEvent[]): string[] =>
      evs.flatMap((e) => {
        if (e.type === "barrier" && e.kind === "isb") return ["isb"];
        if (e.type === "reg.write")
          return Object.keys(e.regs)
            .filter((k) => k.startsWith("cntv"))
            .map((k) => `write ${k}`);
        if (e.type === "hyp.save")
          return Object.keys(e.regs)
            .filter((k) => k.startsWith("cntv"))
            .map((k) => `save ${k}`);
        return [];
      });
    const core0 = onCore(r.events, 0);
    const enter = core0.findIndex((e) => e.type === "hyp.enter");
    let hostSave = enter;
    while (hostSave > 0 && core0[hostSave]!.type !== "hyp.save") hostSave--;
    const entry = timerOps(core0.slice(hostSave, enter)).filter((x, i, a) => x !== "isb" || a[i - 1]?.includes("Cval"));
    expect(entry).toEqual(["write cntvoff", "write cntvCval", "isb", "write cntvCtl"]);
    const exit = core0.findIndex((e, i) => i > enter && e.type === "hyp.exit");
    const back = core0.findIndex((e, i) => i > exit && e.type === "reg.write" && e.regs.mode === "SVC");
    expect(timerOps(core0.slice(exit, back))).toEqual(["save cntvCtl", "write cntvCtl", "isb", "save cntvCval", "write cntvoff"]);
  });

  it("gives each vCPU the timer offset of its own VM", async () => {
    const sc = builtin("a15-vmid-small");
    const r = await run(sc, 2);
    fold(sc, r.events, (s, ev) => {
      if (ev.type !== "hyp.enter") return;
      const index = sc.hyp!.vms.findIndex((v) => v.id === ev.vm);
      expect(s.cores[ev.core]!.regs.cntvoff).toBe(0x100000 * (index + 1));
    });
  });
});
