/**
 * The reducer. `applyInPlace` is the fast path (fold replay, the engine's live state); `apply` is the
 * pure transition built on it with immer, for snapshots and tests. Both do the same thing to the data:
 * neither reads a clock, draws a random number or does I/O, and everything an event changes is in it.
 * What each event type changes is in its family's reducer table (reducers.ts, *-reducers.ts).
 */
import { produce } from "immer";
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "./machine-state.js";
import { reducerOf } from "./reducers.js";

export function apply(state: MachineState, ev: SimEvent): MachineState {
  return produce(state, (draft) => {
    // A draft is the state as immer sees it (the store in flight drafted as an object: in-flight.ts).
    applyInPlace(draft as MachineState, ev);
  });
}

export function applyInPlace(s: MachineState, ev: SimEvent): void {
  s.seq = ev.seq + 1;
  s.t = ev.t;
  // The event's core, resolved once: only the engine's own events (a choice, a violation) may have none.
  const c = s.cores[ev.core];
  if (c === undefined && ev.type !== "choice" && ev.type !== "violation") {
    throw new Error(`event ${ev.seq} (${ev.type}): the machine has no core ${ev.core}`);
  }
  // A choice or violation without a core gets none: their reducers do not look at it.
  reducerOf[ev.type]!(s, ev, c!);
}
