/**
 * kvm-3.9's update_vttbr publishes generation, VMID and kvm->arch.vttbr; the world switch loads VTTBR from
 * kvm->arch.vttbr. The locking and store order are the kernels' (v3.9, v4.17, v5.0).
 */
import { describe, expect, it } from "vitest";
import { readScenario } from "../../scenarios/index.js";
import { vmidLoad } from "../../scenarios/a15-vmid-rollover.js";
import type { VmidPublish } from "../../src/scenario/types.js";
import { is, run } from "../kernel/kernel-helpers.js";

const scenario = (vmidPublish: VmidPublish) =>
  readScenario(
    vmidLoad(`vttbr-${vmidPublish}`, "", "clean", {
      cores: 2,
      vcpus: [2, 1, 1, 1],
      rounds: 2,
      vmidBits: 2,
      vmidAllocator: "kvm-3.9",
      vmidPublish,
      pinned: true,
    }),
    "t",
  );

const ORDER: Record<VmidPublish, string[]> = {
  "v3.9": ["vmid_gen", "vmid", "kvm_next_vmid", "vttbr"],
  "v4.17": ["vmid_gen", "vmid", "kvm_next_vmid", "vttbr"],
  "v5.0": ["vmid", "kvm_next_vmid", "vttbr", "vmid_gen"],
};

describe("kvm-3.9's publish orders", () => {
  it.each(Object.keys(ORDER) as VmidPublish[])("%s stores in its kernel's order, kvm->arch.vttbr included", async (p) => {
    const r = await run(scenario(p), 1);
    expect(r.outcome.violation).toBeNull();
    const assigns = r.events.filter(is("vmid.assign"));
    expect(assigns.length).toBeGreaterThan(2);
    for (const a of assigns) {
      const unlock = r.events.find((e) => e.seq > a.seq && e.type === "lock.release" && e.core === a.core)!;
      const lock = [...r.events]
        .reverse()
        .find((e) => e.seq < a.seq && e.type === "lock.acquire" && e.core === a.core && e.name === "kvm_vmid_lock")!;
      const stores = r.events
        .filter(is("var.write"))
        .filter(
          (e) => e.seq > lock.seq && e.seq < unlock.seq && (e.name.startsWith(`${a.vm}.arch.`) || e.name === "kvm_next_vmid"),
        )
        .map((e) => e.name.replace(`${a.vm}.arch.`, ""));
      expect(stores.slice(-4)).toEqual(ORDER[p]);
    }
  });

  it("enters every guest with the VMID last read from its VM's kvm->arch.vttbr", async () => {
    const r = await run(scenario("v3.9"), 2);
    let entries = 0;
    for (const enter of r.events.filter(is("hyp.enter"))) {
      const read = [...r.events]
        .reverse()
        .find((e) => e.seq < enter.seq && e.core === enter.core && e.type === "var.read" && e.name === `${enter.vm}.arch.vttbr`);
      expect(read && read.type === "var.read" && read.value).toBe(enter.vmid);
      entries++;
    }
    expect(entries).toBeGreaterThan(5);
  });

  it("v4.17 makes the first check under kvm_vmid_lock (read_lock), v3.9 and v5.0 without it", async () => {
    for (const [p, locked] of [
      ["v4.17", true],
      ["v3.9", false],
      ["v5.0", false],
    ] as const) {
      const r = await run(scenario(p), 1);
      // The first thing a vCPU's entry does is update_vttbr's check.
      const first = r.events.find(
        (e) =>
          (e.type === "lock.acquire" && e.name === "kvm_vmid_lock") ||
          (e.type === "var.read" && e.name.endsWith(".arch.vmid_gen")),
      )!;
      expect(first.type === "lock.acquire", p).toBe(locked);
    }
  });
});
