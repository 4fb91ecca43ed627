/**
 * The orderings the kernels' sources give their ASID allocators' generation bump, as events under
 * armv8: 32-bit ARM's atomic64_add_return is fully ordered (a DMB on each side of the store), arm64's
 * atomic64_add_return_relaxed is not (arch/arm/include/asm/atomic.h; arch/arm64/mm/context.c).
 */
import { describe, expect, it } from "vitest";
import type { SimEvent } from "../../src/events/index.js";
import { builtin, fifo, runWith } from "../support/sim.js";

function aroundGenerationBump(id: string): [string, string] {
  const sc = builtin(id);
  const r = runWith({ ...sc, machine: { ...sc.machine, memoryModel: "armv8" } }, { chooser: fifo() });
  // The core's own operations, without the choices and store-buffer drains logged between them.
  const mine = (i: number): SimEvent[] =>
    r.events.filter((e) => e.core === r.events[i]!.core && e.type !== "choice" && e.type !== "var.propagate");
  const i = r.events.findIndex((e) => e.type === "var.write" && e.name === "asid_generation");
  expect(i).toBeGreaterThan(0);
  const ev = mine(i);
  const k = ev.indexOf(r.events[i]!);
  const kind = (e: SimEvent | undefined): string => (e?.type === "barrier" ? e.kind : (e?.type ?? "none"));
  return [kind(ev[k - 1]), kind(ev[k + 1])];
}

describe("the ASID generation bump under armv8", () => {
  it("is fenced on both sides on 32-bit ARM (atomic64_add_return: smp_mb before and after)", () => {
    expect(aroundGenerationBump("asid-rollover-generation")).toEqual(["dmb", "dmb"]);
  });

  it("is a plain store on arm64 (atomic64_add_return_relaxed)", () => {
    expect(aroundGenerationBump("asid-arm64")).not.toContain("dmb");
  });
});
