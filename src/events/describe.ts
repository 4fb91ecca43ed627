/** One short line per event, in a kernel engineer's terms: for column views, the debugger, traces. */
import type { SimEvent } from "./index.js";
import { specOf } from "./specs.js";

/** The sentence of the event's spec (src/events/*-spec.ts); an unknown type (a newer log) says so. */
export function describeEvent(ev: SimEvent): string {
  const spec = specOf(ev.type);
  return spec ? spec.describe(ev) : `${ev.type} (unknown event type)`;
}
