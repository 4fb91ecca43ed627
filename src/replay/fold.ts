/**
 * Fold replay: the state after the first n events is the initial state with those events applied.
 * The invariants are checked again on the way, so a log's verdict does not rest on its own word.
 * `Fold` takes one event at a time, so a log streams through it (replay keeps no event).
 */
import type { SimEvent } from "../events/index.js";
import { machineInvariants } from "../invariants/index.js";
import { checkAll, type Violation } from "../invariants/invariant.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { EventApplyError } from "../log/apply-logged.js";
import { scenarioInitialState } from "../run/simulate.js";
import type { Scenario } from "../scenario/types.js";
import { applyInPlace } from "../state/apply.js";
import type { MachineState } from "../state/machine-state.js";

export interface FoldResult {
  state: MachineState;
  /** The first violation the re-check found, or the one the log records. */
  violation: Violation | null;
}

export class Fold implements FoldResult {
  readonly state: MachineState;
  violation: Violation | null = null;

  constructor(
    scenario: Scenario,
    allocator: AsidAllocator,
    private readonly check = true,
  ) {
    this.state = scenarioInitialState(scenario, allocator);
  }

  /** Applies `ev` and re-checks the invariants; an event the state cannot take is an EventApplyError. */
  add(ev: SimEvent): void {
    try {
      applyInPlace(this.state, ev);
      if (ev.type === "violation") this.violation ??= { invariant: ev.invariant, message: ev.message, at: ev.at };
      else if (this.check && !this.violation) this.violation = checkAll(machineInvariants, this.state, ev);
    } catch (e) {
      throw EventApplyError.of(ev, e);
    }
  }
}

export function foldEvents(
  scenario: Scenario,
  allocator: AsidAllocator,
  events: readonly SimEvent[],
  upTo = events.length,
  check = true,
): FoldResult {
  const f = new Fold(scenario, allocator, check);
  for (let i = 0; i < upTo; i++) f.add(events[i]!);
  return f;
}
