/**
 * Under armv8 both stages of a walk read memory (src/engine/stale-walk.ts): a stage-1 or stage-2
 * descriptor whose store is not complete for the walking core may be read as it was before it.
 */
import { describe, expect, it } from "vitest";
import { initialRegisters } from "../../cores/registers.js";
import type { Tables } from "../../cores/walk.js";
import { walk } from "../../cores/walk.js";
import { walkTables } from "../../src/engine/stale-walk.js";
import { PendingPtes } from "../../src/memory/pte-visibility.js";

const VA = 0x8000;
const IPA = 0x40000000;
const tables = (): Tables => ({
  "vm1.init": { [VA / 4096]: { pa: IPA, global: false, writable: true } },
  // The stage-2 descriptor of IPA is cleared (the store below): unmapped now.
  "vm1.s2": {},
});
const regs = { ...initialRegisters("kernel", false), ttbr0: "vm1.init", vttbr: "vm1.s2", stage2: true };
const oldS2 = { pa: 0x60000000, global: false, writable: true };

/** The picks a walk made, and the PA it found. */
function walkWith(ptes: PendingPtes, c: number, picks: number[]): { asked: string[]; pa: number | null; read: string } {
  const asked: string[] = [];
  const t = walkTables(tables(), regs, c, VA, 0xc0000, ptes, (what) => {
    asked.push(what(1));
    return picks.shift() ?? 0;
  });
  return { asked, pa: walk(t.tables, regs, VA / 4096, 0xc0000).pte?.pa ?? null, read: t.read };
}

describe("a two-stage walk under armv8", () => {
  it("may read a stage-2 descriptor from before an unfinished store (another core, no DSB yet)", () => {
    const ptes = new PendingPtes();
    ptes.store(0, "vm1.s2", IPA / 4096, oldS2);
    const w = walkWith(ptes, 1, [1]);
    expect(w.asked).toEqual(["walk of 0x8000 reads the stage-2 descriptor of IPA 0x40000000 before the unfinished store"]);
    expect(w).toMatchObject({ pa: 0x60000000, read: "old" });
    expect(walkWith(ptes, 1, [0])).toMatchObject({ pa: null, read: "new" });
  });

  it("reads only the new one once the writer's DSB is done, and the writer itself only after DSB and ISB", () => {
    const ptes = new PendingPtes();
    ptes.store(0, "vm1.s2", IPA / 4096, oldS2);
    ptes.dsb(0);
    expect(walkWith(ptes, 1, [1])).toMatchObject({ asked: [], pa: null });
    expect(walkWith(ptes, 0, [1]).pa).toBe(0x60000000);
    ptes.isb(0);
    expect(walkWith(ptes, 0, [1])).toMatchObject({ asked: [], pa: null });
  });

  it("asks nothing when no store is pending (as sc reads)", () => {
    expect(walkWith(new PendingPtes(), 1, [1])).toMatchObject({ asked: [], pa: null, read: "new" });
  });
});
