/**
 * An invariant is an observer of the event stream, run after every event is applied. It returns null
 * when all is well, or a sentence a kernel engineer understands naming what broke.
 */
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";

export interface Invariant {
  readonly name: string;
  check(state: MachineState, ev: SimEvent): string | null;
}

export interface Violation {
  invariant: string;
  message: string;
  /** Sequence number of the breaking event. */
  at: number;
}

export function checkAll(invariants: readonly Invariant[], s: MachineState, ev: SimEvent): Violation | null {
  for (const inv of invariants) {
    const message = inv.check(s, ev);
    if (message !== null) return { invariant: inv.name, message, at: ev.seq };
  }
  return null;
}
