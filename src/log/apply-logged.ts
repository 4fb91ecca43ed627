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
  constructor(readonly seq: number, why: string) {
    super(`line ${seq + 2}: event #${seq} does not follow from the events before it (the log is damaged: ${why})`);
  }
  /** The same error naming the log file. */
  in(path: string): LogError {
    return new LogError(`${path}: ${this.message}`);
  }
}

/** Runs `work` (which folds or checks event `ev`), turning a failure into an EventApplyError. */
export function guarded<T>(ev: SimEvent, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof LogError) throw e;
    throw new EventApplyError(ev.seq, (e as Error).message ?? String(e));
  }
}

export function applyLogged(s: MachineState, ev: SimEvent): void {
  try {
    applyInPlace(s, ev);
  } catch (e) {
    throw new EventApplyError(ev.seq, (e as Error).message ?? String(e));
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
