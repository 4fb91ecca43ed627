/** One run of a scenario: initial state, kernel, engine, invariants; events go to a sink. */
import { Engine, type RunOutcome } from "../engine/engine.js";
import type { Chooser } from "../engine/chooser.js";
import type { EngineOptions } from "../engine/machine.js";
import type { SimEvent } from "../events/index.js";
import { machineInvariants } from "../invariants/index.js";
import type { Invariant } from "../invariants/invariant.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { kernelSystem } from "./system.js";
import { hypInitialVars } from "../hyp/hypervisor.js";
import { initialStateInput, mmsOf } from "../scenario/initial-state.js";
import { initialState, type InitialStateInput, type MachineState } from "../state/machine-state.js";
import type { Scenario } from "../scenario/types.js";

const inputs = new WeakMap<Scenario, Map<AsidAllocator, InitialStateInput>>();

/**
 * What the initial state is made from, computed once per scenario object and allocator (exploration
 * makes an initial state for every schedule); `initialState` copies everything it may mutate.
 */
function initialInput(scenario: Scenario, allocator: AsidAllocator): InitialStateInput {
  let byAllocator = inputs.get(scenario);
  if (!byAllocator) inputs.set(scenario, (byAllocator = new Map<AsidAllocator, InitialStateInput>()));
  let input = byAllocator.get(allocator);
  if (!input) {
    const m = scenario.machine;
    const vars = { ...allocator.initialVars(mmsOf(scenario), m.cores, scenario.kernel.asidBits), ...hypInitialVars(scenario.hyp, m.cores) };
    input = initialStateInput(scenario, vars);
    byAllocator.set(allocator, input);
  }
  return input;
}

export function scenarioInitialState(scenario: Scenario, allocator: AsidAllocator): MachineState {
  return initialState(initialInput(scenario, allocator));
}

export function engineOptions(scenario: Scenario): EngineOptions {
  const m = scenario.machine;
  return {
    cores: m.cores,
    pageOffset: m.pageOffset,
    tlbEntries: m.tlbEntries,
    tlbPolicy: m.tlbPolicy,
    latencies: m.latencies,
    speculation: m.speculation,
    maxEvents: m.maxEvents,
  };
}

export interface Simulation {
  outcome: RunOutcome;
  state: MachineState;
}

export function simulate(
  scenario: Scenario,
  allocator: AsidAllocator,
  chooser: Chooser,
  sink: (ev: SimEvent) => void,
  invariants: readonly Invariant[] = machineInvariants,
  describeChoices = true,
): Simulation {
  const state = scenarioInitialState(scenario, allocator);
  const engine = new Engine({ ...engineOptions(scenario), describeChoices }, state, chooser, invariants, sink);
  const outcome = engine.run(kernelSystem(scenario, state, allocator));
  return { outcome, state };
}
