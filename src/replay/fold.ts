/**
 * Fold replay: the state after the first n events is the initial state with those events applied.
 * The invariants are checked again on the way, so a log's verdict does not rest on its own word.
 */
import type { SimEvent } from "../events/index.js";
import { machineInvariants } from "../invariants/index.js";
import { checkAll, type Violation } from "../invariants/invariant.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { scenarioInitialState } from "../run/simulate.js";
import type { Scenario } from "../scenario/types.js";
import { applyInPlace } from "../state/apply.js";
import type { MachineState } from "../state/machine-state.js";

export interface FoldResult {
  state: MachineState;
  /** The first violation the re-check found, or the one the log records. */
  violation: Violation | null;
}

export function foldEvents(
  scenario: Scenario,
  allocator: AsidAllocator,
  events: readonly SimEvent[],
  upTo = events.length,
  check = true,
): FoldResult {
  const state = scenarioInitialState(scenario, allocator);
  let violation: Violation | null = null;
  for (let i = 0; i < upTo; i++) {
    const ev = events[i]!;
    applyInPlace(state, ev);
    if (ev.type === "violation") violation ??= { invariant: ev.invariant, message: ev.message, at: ev.at };
    else if (check && !violation) violation = checkAll(machineInvariants, state, ev);
  }
  return { state, violation };
}
