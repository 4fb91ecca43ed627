/**
 * The stage-1 layout is the modelled architecture's: 32-bit ARM Linux without LPAE runs TTBCR.N = 0, so
 * TTBR0 walks kernel VAs too and every mm's table holds the kernel's entries; arm64 and LPAE split
 * TTBR0 (user) and TTBR1 (kernel).
 */
import { describe, expect, it } from "vitest";
import { builtin, runWith } from "../support/sim.js";
import { scenarioInitialState } from "../../src/run/simulate.js";
import { tablesOf } from "../../src/scenario/initial-state.js";
import { allocatorOf } from "../support/sim.js";
import { RESERVED_TTBR0 } from "../../src/kernel/switch-sequence.js";
import { vpnOf } from "../../cores/page-table.js";

/** Every fill of a kernel VA by the host (not a guest's, which come from VMID or shadow tables): the table it came from and the mm then running. */
function kernelFills(id: string, seed = 1) {
  const sc = builtin(id);
  const r = runWith(sc, { seed });
  return r.events.flatMap((ev) =>
    ev.type === "tlb.fill" &&
    ev.va >= sc.machine.pageOffset &&
    ev.va < 0xffff0000 &&
    ev.entry.vmid === 0 &&
    !ev.entry.table.endsWith(".shadow")
      ? [ev.entry]
      : [],
  );
}

describe("address-space layout per architecture", () => {
  it("boots ARMv6/ARMv7 cores with TTBCR.N = 0 and arm64 / LPAE cores with the TTBR0/TTBR1 split", () => {
    for (const [id, split] of [
      ["default", false],
      ["kvm-armv6-nonglobal", false],
      ["asid-rollover-ipi", false],
      ["asid-arm64", true],
      ["a15-vmid-small", true],
    ] as const) {
      const sc = builtin(id);
      const s = scenarioInitialState(sc, allocatorOf(sc));
      expect(
        s.cores.map((c) => c.regs.ttbcrSplit),
        id,
      ).toEqual(s.cores.map(() => split));
    }
  });

  it("walks kernel VAs on ARMv7 through TTBR0, the running mm's own copy of the kernel's entries", () => {
    const fills = kernelFills("default");
    expect(fills.length).toBeGreaterThan(4);
    for (const e of fills) expect(e.table).not.toBe("kernel");
    expect(new Set(fills.map((e) => e.table)).size).toBeGreaterThan(1);
  });

  it("walks kernel VAs on arm64 through TTBR1, the kernel's table", () => {
    const fills = kernelFills("asid-arm64");
    expect(fills.length).toBeGreaterThan(10);
    for (const e of fills) expect(e.table).toBe("kernel");
  });

  it("copies the kernel's entries into every host mm's table and the reserved TTBR0 (pgd_alloc), not into shadow tables", () => {
    const sc = builtin("kvm-armv6-nonglobal");
    const t = tablesOf(sc);
    const k = vpnOf(0xc0010000);
    for (const id of ["qemu", "shell", "daemon", RESERVED_TTBR0]) expect(t[id]![k], id).toBe(t.kernel![k]);
    expect(t["vm1.init.shadow"]![k]!.pa).toBe(0x60002000);
  });

  it("makes non-global kernel mappings each ASID's own copy: host mms fill the same kernel VA under their own ASIDs", () => {
    const fills = kernelFills("kvm-armv6-nonglobal").filter((e) => e.vpn === vpnOf(0xc0010000));
    const byTable = new Map(fills.map((e) => [e.table, e]));
    expect([...byTable.keys()].sort()).toEqual(["daemon", "qemu", "shell"]);
    for (const e of fills) expect(e.global).toBe(false);
    expect(new Set([...byTable.values()].map((e) => e.asid)).size).toBe(3);
  });
});
