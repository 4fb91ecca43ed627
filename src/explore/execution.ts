/**
 * One execution for exploration: re-run the scenario from its initial state under a chooser (stateless
 * exploration, as CHESS, loom and shuttle do: nothing is cloned, each schedule starts over) and report
 * the verdict, the picks actually made and a fingerprint of the final state.
 */
import type { Chooser } from "../engine/chooser.js";
import type { SimEvent } from "../events/index.js";
import type { Violation } from "../invariants/invariant.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { setUp, type SetUpOptions } from "../run/simulate.js";
import { tablesOf } from "../scenario/initial-state.js";
import type { Scenario } from "../scenario/types.js";
import type { MachineState } from "../state/machine-state.js";
import { Fingerprinter } from "./fingerprint.js";
import type { StateSet } from "./state-set.js";

/** Thrown by a chooser to stop an execution that can only repeat explored behaviour (DPOR sleep sets). */
export class Abandon extends Error {}

export interface Execution {
  violation: Violation | null;
  /** The chooser stopped it early: nothing new could come of it. */
  abandoned: boolean;
  /** Every choice made, in order (a schedule that replays this execution exactly). */
  picks: number[];
  events: number;
  finalHash: string;
}

export interface ExecutionTarget {
  scenario: Scenario;
  allocator: AsidAllocator;
}

export interface ExecutionHooks {
  /** Every event, with the live state it was just applied to. */
  onEvent?: (ev: SimEvent, state: MachineState) => void;
  /** Fingerprints of the states at each scheduling choice point (coverage: distinct states seen). */
  statesSeen?: StateSet;
}

export function execute(t: ExecutionTarget, chooser: Chooser, hooks: ExecutionHooks = {}): Execution {
  const picks: number[] = [];
  const { onEvent, statesSeen } = hooks;
  let fp: Fingerprinter | undefined;
  const sinkFor = (state: MachineState) => {
    const f = (fp = new Fingerprinter(state, tablesOf(t.scenario)));
    const schedule = (ev: SimEvent): void => {
      if (ev.type === "choice") {
        picks.push(ev.pick);
        if (statesSeen && ev.kind === "step") {
          f.compute(state);
          statesSeen.add(f.a, f.b);
        }
      } else f.observe(state, ev);
    };
    return onEvent ? [schedule, (ev: SimEvent) => onEvent(ev, state)] : schedule;
  };
  const { programView, attach } = chooser as Pick<SetUpOptions, "programView" | "attach">;
  const machine = setUp(t.scenario, t.allocator, chooser, sinkFor, {
    describeChoices: false,
    ...(programView ? { programView } : {}),
    ...(attach ? { attach } : {}),
  });
  const state = machine.state;
  try {
    const outcome = machine.run();
    return { violation: outcome.violation, abandoned: false, picks, events: outcome.events, finalHash: fp!.string(state) };
  } catch (e) {
    if (!(e instanceof Abandon)) throw e;
    return { violation: null, abandoned: true, picks, events: state.seq, finalHash: "" };
  }
}
