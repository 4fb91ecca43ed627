/**
 * Linux v3.10.0's ASID allocator (arch/arm/mm/context.c), not the later one that was called linux-3.10
 * here before (now linux-4.x): flush_context's current-CPU handling, find_first_zero_bit, and no
 * preservation of a reserved ASID for a CPU that did not switch since the previous roll-over.
 */
import { describe, expect, it } from "vitest";
import { readScenario } from "../../scenarios/index.js";
import { rolloverLoad } from "../../scenarios/rollover-load.js";
import { is, run } from "./kernel-helpers.js";

const load = (allocator: string) =>
  readScenario(
    {
      ...rolloverLoad(
        `l310-${allocator}`,
        "t",
        { asidAllocator: allocator, asidBits: 3, switchSequence: "reserved-asid" },
        false,
      ),
      schedule: { windowCycles: null },
    },
    "t",
  );

describe("linux-3.10 (v3.10.0)", () => {
  it("reserves 0 for the allocating CPU at a roll-over without taking its active ASID, and flags only its own flush (TLBIALLIS)", async () => {
    const r = await run(load("linux-3.10"), 1);
    const roll = r.events.find(is("asid.rollover"))!;
    expect(roll).toBeDefined();
    const mine = r.events.filter((e) => e.core === roll.core && e.seq > roll.seq);
    const end = mine.findIndex((e) => e.type === "asid.assign");
    const window = mine.slice(0, end);
    const xchgs = window.filter(is("var.xchg")).map((e) => e.name);
    expect(xchgs).not.toContain(`active_asids[${roll.core}]`);
    expect(xchgs.length).toBe(3);
    expect(window.filter(is("var.write")).find((e) => e.name === `reserved_asids[${roll.core}]`)?.value).toBe(0);
    expect(
      window
        .filter(is("var.write"))
        .filter((e) => e.name.startsWith("tlb_flush_pending[") && e.value === 1)
        .map((e) => e.name),
    ).toEqual([`tlb_flush_pending[${roll.core}]`]);
    expect(window.filter(is("tlbi")).every((e) => e.broadcast)).toBe(true);
  });

  it("hands out ASIDs from the first free one (find_first_zero_bit), idx + 1", async () => {
    const r = await run(load("linux-3.10"), 1);
    const first = r.events
      .filter(is("asid.assign"))
      .slice(0, 3)
      .map((e) => e.asid);
    expect(first).toEqual([1, 2, 3]);
  });

  it("loses a CPU's reservation when it runs on through two roll-overs: its mm's other thread gets another ASID (same-asid-threads)", async () => {
    // Seed 10 with any interleaving: core 1 keeps running M5 under 7:7 while a second roll-over takes its
    // active ASID as 0 and reserves 0, so M5's thread on core 2 gets a new ASID. The later allocator
    // keeps the reserved ASID ("we must preserve its reserved ASID") and runs the same load clean.
    const bad = await run(load("linux-3.10"), 10);
    expect(bad.outcome.violation?.invariant).toBe("same-asid-threads");
    expect(bad.outcome.violation!.message).toMatch(
      /threads of mm M\d run under two hardware ASIDs: \d+:\d on core \d and \d+:\d on core \d/,
    );
    expect((await run(load("linux-4.x"), 10)).outcome.violation).toBeNull();
  });
});
