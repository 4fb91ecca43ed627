/**
 * The arm64 VHE world switch (src/hyp/vhe.ts, Linux v5.16): kvm_arm_vmid_update publishes the VM's
 * VMID and __load_stage2 loads VTTBR in a later, separate step; the guest's regime (stage 2 on, its
 * VMID, its stage-1 registers) takes effect in the one HCR write that clears TGE; the exit leaves VTTBR
 * loaded and goes back to the host's regime with VMID 0. Its scenarios are clean under exploration.
 */
import { describe, expect, it } from "vitest";
import { explore } from "../../src/explore/explorer.js";
import { allocatorOf, builtin } from "../support/sim.js";
import { fold, run } from "../kernel/kernel-helpers.js";

describe("vhe world switch", () => {
  it("writes VTTBR a step after the VMID update, and turns stage 2 and the VMID on in one write", async () => {
    const sc = builtin("vhe-vmid-small-5.16");
    const r = await run(sc, 1);
    let entries = 0;
    // Per core: the seq of the last write of a VM's VMID variable, and of the last VTTBR load.
    const vmidWrite = new Map<number, number>();
    const vttbrLoad = new Map<number, number>();
    fold(sc, r.events, (s, ev) => {
      const c = s.cores[ev.core]!;
      if (
        (ev.type === "var.write" || ev.type === "var.cmpxchg") &&
        /active_vmids|\.vmid\.id/.test(String((ev as { name?: string }).name))
      )
        vmidWrite.set(ev.core, ev.seq);
      if (ev.type === "reg.write" && ev.regs.vttbr !== undefined) {
        // __load_stage2 writes VTTBR alone: stage 2 is still off, the host's VMID (0) still tags fills.
        expect(Object.keys(ev.regs)).toEqual(["vttbr"]);
        expect(c.regs).toMatchObject({ stage2: false, vmid: 0 });
        vttbrLoad.set(ev.core, ev.seq);
      }
      if (ev.type === "reg.write" && ev.regs.stage2 === true) {
        expect(ev.regs.vmid).toBeDefined();
        expect(ev.regs.ttbr0).toBeDefined();
        expect(vttbrLoad.get(ev.core)!).toBeLessThan(ev.seq);
      }
      if (ev.type === "hyp.enter") {
        entries++;
        expect(c.regs).toMatchObject({ stage2: true, vmid: ev.vmid, vttbr: `${ev.vm}.s2` });
      }
      if (ev.type === "reg.write" && ev.regs.stage2 === false) {
        // __deactivate_traps: VTTBR stays; the host's regime is VMID-less (0).
        expect(ev.regs.vttbr).toBeUndefined();
        expect(c.regs.vttbr).not.toBe("");
        expect(c.regs.vmid).toBe(0);
      }
    });
    expect(entries).toBeGreaterThan(10);
    expect(vmidWrite.size).toBeGreaterThan(0);
  });

  it("keeps vhe-vmid-small-5.16 clean under random exploration with speculative walks", () => {
    const sc = builtin("vhe-vmid-small-5.16");
    const spec = { ...sc, machine: { ...sc.machine, speculation: { ...sc.machine.speculation, enabled: true } } };
    const res = explore({
      target: { scenario: spec, allocator: allocatorOf(spec) },
      strategy: "random",
      budget: 60,
      seed: 1,
      depth: 3,
      preemptions: 2,
    });
    expect(res.schedules).toBe(60);
    expect(res.found).toBeNull();
  });
});
