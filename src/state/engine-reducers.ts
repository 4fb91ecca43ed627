/** The engine's own events: a choice changes nothing; a violation is kept in the state. */
import type { EngineEvent } from "../events/engine-events.js";
import { unchanged, type ReducerTable } from "./reducer.js";

export const engineReducers: ReducerTable<EngineEvent> = {
  choice: unchanged,
  violation: (s, ev) => {
    s.violation = { invariant: ev.invariant, message: ev.message, at: ev.at };
  },
};
