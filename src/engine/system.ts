/** What runs on an engine (src/engine/engine.ts) and what a run ends with. */
import type { IpiMessage } from "../../bus/messages.js";
import type { Violation } from "../invariants/invariant.js";
import type { MachineState } from "../state/machine-state.js";
import type { Program } from "./ops.js";

/** What runs on the machine: a main program per core and the handler for each IPI. */
export interface System {
  main(core: number): Program;
  ipiHandler(core: number, msg: IpiMessage): Program;
  /**
   * The whole JS-side state of `core`'s programs, as text, when its main program waits at its
   * scheduler's loop head (the engine's `mainAt` is a pick-task); null when part of it is not plain
   * data. Stateful search replaces the core's program trace with it there. With `rename` (symmetry
   * reduction, src/scenario/symmetry.ts): the text the programs of the renamed state would give, each
   * task's position under its image's name.
   */
  quiescent?(core: number, rename?: { name(s: string): string; inverse(s: string): string }): string | null;
  /**
   * The same JS-side state as data (a copy), for `restoreQuiescent`; null where `quiescent` is. Stateful
   * search rebuilds a core's programs from it instead of replaying their history (program-log.ts).
   */
  saveQuiescent?(core: number): unknown;
  /** Puts back what `saveQuiescent` gave, before `core`'s main program (made afresh: at its loop head) goes on. */
  restoreQuiescent?(core: number, saved: unknown): void;
}

export type StopReason = "done" | "violation" | "deadlock" | "limit";

export interface RunOutcome {
  reason: StopReason;
  violation: Violation | null;
  events: number;
}

/** "core 0", "core 1", ...: what a step choice of a core says (made once, not per engine). */
const names: string[] = [];
export function coreNames(n: number): string[] {
  for (let c = names.length; c < n; c++) names.push(`core ${c}`);
  return names;
}

/** Whether a message is still in flight: with every core done, it can never be delivered (a deadlock). */
export function anyInFlight(s: MachineState): boolean {
  return s.inflight.size > 0;
}
