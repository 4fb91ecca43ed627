/** Specs of the engine's events: choices and violations change nothing and touch nothing. */
import type { EngineEvent } from "./engine-events.js";
import { NOTHING, touchesNothing, type SpecTable } from "./spec.js";

export const engineSpecs: SpecTable<EngineEvent> = {
  choice: {
    changes: NOTHING,
    touches: touchesNothing,
    describe: (ev) => `choice ${ev.pick}/${ev.of}${ev.what ? ` (${ev.what})` : ""}`,
  },
  violation: { changes: NOTHING, touches: touchesNothing, describe: (ev) => `VIOLATION ${ev.invariant}` },
};
