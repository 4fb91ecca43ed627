/**
 * Folding a logged event that its schema accepts can still fail: an event deleted with the rest
 * renumbered, or a valid-looking slot that was never filled, leaves the reducer a state the writer
 * never produced. That is a damaged log (bad input, exit 2) named by its event and line, not a crash.
 */
import type { SimEvent } from "../events/index.js";
import { applyInPlace } from "../state/apply.js";
import type { MachineState } from "../state/machine-state.js";
import { LogError } from "./log-error.js";

export class EventApplyError extends LogError {
  constructor(
    readonly seq: number,
    why: string,
  ) {
    super(`line ${seq + 2}: event #${seq} does not follow from the events before it (the log is damaged: ${why})`);
  }
  /** `e`, thrown while folding or checking `ev`, as the error to report (a LogError stays as it is). */
  static of(ev: SimEvent, e: unknown): LogError {
    return e instanceof LogError ? e : new EventApplyError(ev.seq, e instanceof Error ? e.message : String(e));
  }
  /** The same error naming the log file. */
  in(path: string): LogError {
    return new LogError(`${path}: ${this.message}`);
  }
}

export function applyLogged(s: MachineState, ev: SimEvent): void {
  try {
    applyInPlace(s, ev);
  } catch (e) {
    throw EventApplyError.of(ev, e);
  }
}

/** Rethrows an EventApplyError with the file named; anything else unchanged. */
export function namingFile<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    throw e instanceof EventApplyError ? e.in(path) : e;
  }
}
