/** The reducer table: one reducer per event type, which applyInPlace dispatches through. */
import { describe, expect, it } from "vitest";
import type { EventBase } from "../../src/events/base.js";
import type { SimEvent } from "../../src/events/index.js";
import { EVENT_TYPES } from "../../src/events/specs.js";
import { applyInPlace } from "../../src/state/apply.js";
import type { ReducerTable } from "../../src/state/reducer.js";
import { REDUCERS } from "../../src/state/reducers.js";
import { scenarioInitialState } from "../../src/run/simulate.js";
import { allocatorOf, builtin } from "../support/sim.js";

// A new event type added to the union without its reducer: the table no longer satisfies the union's type.
// If this line ever compiles without the directive, tsc fails on the unused @ts-expect-error.
interface TlbPrefetchEvent extends EventBase {
  type: "tlb.prefetch";
  va: number;
}
// @ts-expect-error: "tlb.prefetch" has no reducer in REDUCERS
REDUCERS satisfies ReducerTable<SimEvent | TlbPrefetchEvent>;

describe("the reducer table", () => {
  it("has a reducer for every event type of the spec table, and no other", () => {
    expect(Object.keys(REDUCERS).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it("refuses an event of a core the machine does not have", () => {
    const sc = builtin("tlb-shootdown-munmap");
    const s = scenarioInitialState(sc, allocatorOf(sc));
    const ev: SimEvent = { seq: 0, t: 0, core: 9, type: "barrier", kind: "dsb" };
    expect(() => applyInPlace(s, ev)).toThrow("event 0 (barrier): the machine has no core 9");
  });
});
