/**
 * One execution for exploration: re-run the scenario from its initial state under a chooser (stateless
 * exploration, as CHESS, loom and shuttle do: nothing is cloned, each schedule starts over) and report
 * the verdict, the picks actually made and a fingerprint of the final state.
 */
import type { Chooser } from "../engine/chooser.js";
import type { SimEvent } from "../events/index.js";
import type { Violation } from "../invariants/invariant.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { machineInvariants } from "../invariants/index.js";
import { simulate } from "../run/simulate.js";
import type { Scenario } from "../scenario/types.js";
import { fingerprint } from "./fingerprint.js";

export interface Execution {
  violation: Violation | null;
  /** Every choice made, in order (a schedule that replays this execution exactly). */
  picks: number[];
  events: number;
  finalHash: string;
}

export interface ExecutionTarget {
  scenario: Scenario;
  allocator: AsidAllocator;
}

export function execute(t: ExecutionTarget, chooser: Chooser, onEvent?: (ev: SimEvent) => void): Execution {
  const picks: number[] = [];
  const sink = (ev: SimEvent): void => {
    if (ev.type === "choice") picks.push(ev.pick);
    onEvent?.(ev);
  };
  const { outcome, state } = simulate(t.scenario, t.allocator, chooser, sink, machineInvariants, false);
  return { violation: outcome.violation, picks, events: outcome.events, finalHash: fingerprint(state) };
}
