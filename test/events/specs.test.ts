/**
 * The event spec table: complete over the union (checked by tsc, and shown here), and each spec's
 * sentence is the one the rest of the tools print.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { EventBase } from "../../src/events/base.js";
import { describeEvent } from "../../src/events/describe.js";
import type { SimEvent } from "../../src/events/index.js";
import type { SpecTable } from "../../src/events/spec.js";
import { EVENT_SPECS, EVENT_TYPES } from "../../src/events/specs.js";
import { EVENT_TYPES as DEBUGGER_TYPES } from "../../src/timetravel/predicate.js";
import { builtin, runWith } from "../support/sim.js";

// A new event type added to the union without a spec: the table no longer satisfies the union's type.
// If this line ever compiles without the directive, tsc fails on the unused @ts-expect-error.
interface TlbPrefetchEvent extends EventBase {
  type: "tlb.prefetch";
  va: number;
}
// @ts-expect-error: "tlb.prefetch" has no spec in EVENT_SPECS
EVENT_SPECS satisfies SpecTable<SimEvent | TlbPrefetchEvent>;

describe("event spec table", () => {
  it("has a spec for every type a run of every built-in scenario emits", () => {
    const seen = new Set<string>();
    for (const id of ["default", "asid-rollover-ipi", "kvm-armv6-flush", "a15-vmid-small", "tlb-shootdown-munmap"]) {
      for (const ev of runWith(builtin(id)).events) seen.add(ev.type);
    }
    for (const t of seen) expect(EVENT_TYPES, t).toContain(t);
  });

  it("gives the debugger every event type, the hypervisor's included", () => {
    expect([...DEBUGGER_TYPES].sort()).toEqual([...EVENT_TYPES].sort());
    expect(DEBUGGER_TYPES).toContain("hyp.enter");
  });

  it("describes each event with its spec's sentence", () => {
    for (const ev of runWith(builtin("kvm-armv6-flush")).events.slice(0, 400)) {
      expect(describeEvent(ev)).toBe((EVENT_SPECS[ev.type].describe as (e: SimEvent) => string)(ev));
    }
  });
});

describe("the bench ceiling (src/bench/ceiling.ts) against the table", () => {
  // The ceiling is a hand-written loop over the bench's run (the default scenario, no hypervisor): it
  // must handle every other type of the table, and a type added to the table shows up here.
  // var.propagate: only under the armv8 memory model; the bench runs the default scenario under sc.
  // pt.unlink, pt.free: only with machine.walkCache.
  const NOT_IN_THE_BENCH_RUN = [
    "vcpu.load",
    "vcpu.put",
    "hyp.save",
    "hyp.enter",
    "hyp.exit",
    "vmid.assign",
    "vmid.rollover",
    "var.propagate",
    "pt.unlink",
    "pt.free",
  ];
  const source = readFileSync(new URL("../../src/bench/ceiling.ts", import.meta.url), "utf8");
  const handled = new Set([...source.matchAll(/case "([a-z.]+)"|ev\.type === "([a-z.]+)"/g)].map((m) => m[1] ?? m[2]));

  it("handles every event type the bench's run can emit", () => {
    expect(EVENT_TYPES.filter((t) => !handled.has(t) && !NOT_IN_THE_BENCH_RUN.includes(t))).toEqual([]);
  });
  it("lists as absent only types of the table", () => {
    for (const t of NOT_IN_THE_BENCH_RUN) expect(EVENT_TYPES).toContain(t);
  });
});
