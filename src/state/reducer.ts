/**
 * How each event type changes the machine state, one table per event family (src/state/*-reducers.ts),
 * assembled in reducers.ts where TypeScript checks that every type of the union has its reducer, as
 * src/events/specs.ts does for the specs. (The reducers live here, not in the specs: the event
 * vocabulary is the layer below the state and cannot name it; .dependency-cruiser.cjs.)
 */
import type { CoreState } from "../../cores/core-state.js";
import type { BusMessage } from "../../bus/messages.js";
import type { AnyEvent, Narrow } from "../events/spec.js";
import type { MachineState } from "./machine-state.js";

/** How one event type changes the state; `c` is the event's core, resolved (and asserted) once by applyInPlace. */
export type Reducer<E> = (s: MachineState, ev: E, c: CoreState) => void;

/** One reducer per type of the union `E`: a type without one does not compile. */
export type ReducerTable<E extends AnyEvent> = { readonly [K in E["type"]]: Reducer<Narrow<E, K>> };

/** A message goes in flight. */
export function send(s: MachineState, m: BusMessage): void {
  s.inflight.put(m);
  if (m.id >= s.nextMsgId) s.nextMsgId = m.id + 1;
}

/** Nothing changes beyond the sequence number and the time. */
export const unchanged = (): void => {};
