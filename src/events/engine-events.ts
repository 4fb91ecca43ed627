import type { EventBase } from "./base.js";

/**
 * A non-deterministic decision: which ready item runs next, which task a scheduler picks, which TLB slot
 * a random replacement evicts. `pick` indexes the `of` options; the picks in log order are the schedule.
 */
export interface ChoiceEvent extends EventBase {
  type: "choice";
  /** "read": which write a read takes under the armv8 memory model (src/engine/memory-ops.ts). */
  kind: "step" | "program" | "victim" | "read" | "store";
  pick: number;
  of: number;
  /** What was picked, for people and for replay to check it still means the same thing. */
  what: string;
}

/** An invariant broke at the previous event; the run stops here. */
export interface ViolationEvent extends EventBase {
  type: "violation";
  invariant: string;
  message: string;
  /** Sequence number of the event that broke it. */
  at: number;
}

export type EngineEvent = ChoiceEvent | ViolationEvent;
