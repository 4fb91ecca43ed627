/**
 * The MMU walk with the registers loaded at an instant: which TTBR stage 1 uses, faults, stage 2 with its
 * walk cost, and how the two stages' permissions combine.
 */
import { describe, expect, it } from "vitest";
import { vpnOf, type PageTable } from "../../cores/page-table.js";
import { initialRegisters, type Registers } from "../../cores/registers.js";
import { stage1Table, walk, walkSteps, type Tables } from "../../cores/walk.js";

const PAGE_OFFSET = 0xc0000000;
const OFF = vpnOf(PAGE_OFFSET);

const tables: Tables = {
  kernel: {
    [vpnOf(0xc0008000)]: { pa: 0x80008000, global: true, writable: true },
    [vpnOf(0xc0000000)]: { pa: 0x80000000, global: true, writable: false },
  },
  A: {
    [vpnOf(0x8000)]: { pa: 0x10000, global: false, writable: true },
    [vpnOf(0x9000)]: { pa: 0x11000, global: false, writable: false },
    // Mapped in the user table above PAGE_OFFSET: must never be used, TTBR1 translates there.
    [vpnOf(0xc0008000)]: { pa: 0xdead000, global: false, writable: true },
  },
  B: {
    [vpnOf(0x8000)]: { pa: 0x20000, global: false, writable: true },
  },
};

function regs(over: Partial<Registers> = {}): Registers {
  return { ...initialRegisters("kernel"), ttbr0: "A", ttbr1: "kernel", ...over };
}

describe("stage 1 walk", () => {
  it("translates a VA below PAGE_OFFSET through TTBR0", () => {
    const w = walk(tables, regs(), vpnOf(0x8000), OFF);
    expect(w.table).toBe("A");
    expect(w.pte).toEqual({ pa: 0x10000, global: false, writable: true });
  });

  it("follows TTBR0 to another task's table when TTBR0 changes", () => {
    const w = walk(tables, regs({ ttbr0: "B" }), vpnOf(0x8000), OFF);
    expect(w.table).toBe("B");
    expect(w.pte?.pa).toBe(0x20000);
  });

  it("translates a VA at or above PAGE_OFFSET through TTBR1, never the user table", () => {
    const w = walk(tables, regs(), vpnOf(0xc0008000), OFF);
    expect(w.table).toBe("kernel");
    expect(w.pte).toEqual({ pa: 0x80008000, global: true, writable: true });
    expect(walk(tables, regs(), vpnOf(PAGE_OFFSET), OFF).table).toBe("kernel");
    expect(stage1Table(regs(), OFF - 1, OFF)).toBe("A");
  });

  it("moves the TTBR0/TTBR1 split with PAGE_OFFSET", () => {
    // With a 2 GB split, 0xc0008000 is still TTBR1's, 0x8000 still TTBR0's; with the split at 0x10000
    // the page 0x8000 stays below it and 0x10000 itself moves to TTBR1.
    expect(walk(tables, regs(), vpnOf(0xc0008000), vpnOf(0x80000000)).table).toBe("kernel");
    expect(stage1Table(regs(), vpnOf(0x8000), vpnOf(0x10000))).toBe("A");
    expect(stage1Table(regs(), vpnOf(0x10000), vpnOf(0x10000))).toBe("kernel");
  });

  it("faults on a VA the current tables do not map, naming the table it read", () => {
    const w = walk(tables, regs(), vpnOf(0xa000), OFF);
    expect(w.pte).toBeNull();
    expect(w.table).toBe("A");
    expect(w.steps).toBe(2);
  });

  it("faults when TTBR0 points at a table that does not exist", () => {
    const w = walk(tables, regs({ ttbr0: "nowhere" }), vpnOf(0x8000), OFF);
    expect(w.pte).toBeNull();
    expect(w.table).toBe("nowhere");
  });

  it("reads two descriptors (first- and second-level) without stage 2", () => {
    expect(walk(tables, regs(), vpnOf(0x8000), OFF).steps).toBe(2);
    expect(walkSteps(false)).toBe(2);
  });
});

describe("two-stage walk", () => {
  // The guest's stage-1 output (an IPA) goes through the VM's stage-2 table.
  const s2: PageTable = {
    [vpnOf(0x10000)]: { pa: 0x40010000, global: false, writable: true },
    [vpnOf(0x11000)]: { pa: 0x40011000, global: false, writable: true },
    [vpnOf(0x80008000)]: { pa: 0x50008000, global: false, writable: false },
  };
  const t2: Tables = { ...tables, vm1: s2 };
  const guest = (over: Partial<Registers> = {}): Registers => regs({ stage2: true, vttbr: "vm1", vmid: 1, ...over });

  it("translates the stage-1 output through the stage-2 table", () => {
    const w = walk(t2, guest(), vpnOf(0x8000), OFF);
    expect(w.pte?.pa).toBe(0x40010000);
    expect(w.table).toBe("A");
  });

  it("reads 11 descriptors with stage 2 on against 2 without", () => {
    expect(walk(t2, guest(), vpnOf(0x8000), OFF).steps).toBe(11);
    expect(walk(t2, guest({ stage2: false }), vpnOf(0x8000), OFF).steps).toBe(2);
    expect(walkSteps(true)).toBe(11);
  });

  it("ignores VTTBR while stage 2 is off", () => {
    const w = walk(t2, guest({ stage2: false }), vpnOf(0x8000), OFF);
    expect(w.pte?.pa).toBe(0x10000);
  });

  it("faults when stage 2 does not map the IPA, even though stage 1 does", () => {
    const w = walk(t2, guest({ vttbr: "empty" }), vpnOf(0x8000), OFF);
    expect(w.pte).toBeNull();
    const t3: Tables = { ...tables, vm1: { [vpnOf(0x11000)]: { pa: 0x40011000, global: false, writable: true } } };
    expect(walk(t3, guest(), vpnOf(0x8000), OFF).pte).toBeNull();
    expect(walk(t3, guest(), vpnOf(0x8000), OFF).steps).toBe(11);
  });

  it("grants write only when both stages allow it", () => {
    // Stage 1 read-only, stage 2 writable.
    expect(walk(t2, guest(), vpnOf(0x9000), OFF).pte?.writable).toBe(false);
    // Stage 1 writable, stage 2 read-only.
    expect(walk(t2, guest(), vpnOf(0xc0008000), OFF).pte).toEqual({ pa: 0x50008000, global: true, writable: false });
    // Both writable.
    expect(walk(t2, guest(), vpnOf(0x8000), OFF).pte?.writable).toBe(true);
  });

  it("takes global-ness from stage 1, not stage 2", () => {
    expect(walk(t2, guest(), vpnOf(0xc0008000), OFF).pte?.global).toBe(true);
    expect(walk(t2, guest(), vpnOf(0x8000), OFF).pte?.global).toBe(false);
  });
});
