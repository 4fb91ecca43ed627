/** One run of a scenario: initial state, kernel, engine, invariants; events go to a sink. */
import { Engine, type RunOutcome, type System } from "../engine/engine.js";
import type { Chooser } from "../engine/chooser.js";
import type { EventObserver } from "../engine/event-stream.js";
import type { EngineOptions } from "../engine/machine.js";
import type { SimEvent } from "../events/index.js";
import { machineInvariants } from "../invariants/index.js";
import type { Invariant } from "../invariants/invariant.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { kernelSystem } from "./system.js";
import { hypInitialVars } from "../hyp/hypervisor.js";
import { modulesOf } from "../modules/attach.js";
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
    const vars = {
      ...allocator.initialVars(mmsOf(scenario), m.cores, scenario.kernel.asidBits),
      ...hypInitialVars(scenario.hyp, m.cores, modulesOf(allocator).hyp),
    };
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
    ...(m.tlbWays !== undefined ? { tlbWays: m.tlbWays } : {}),
    latencies: m.latencies,
    speculation: m.speculation,
    maxEvents: m.maxEvents,
    ...(m.tlbi?.lateCompletion ? { lateTlbi: true } : {}),
    memoryModel: m.memoryModel,
    // 32-bit ARM kernels' spinlocks are fully fenced (arch/arm/include/asm/spinlock.h); arm64's are LDAXR/STLR.
    ...(m.memoryModel === "armv8" && m.arch !== "armv8" ? { fencedLocks: true } : {}),
    ...(m.sharedTlb ? { sharedTlb: true } : {}),
  };
}

/** A machine ready to run: its live state, and `run` to start it. */
export interface SetUp {
  state: MachineState;
  run: () => RunOutcome;
  /** Starts it without running it: the engine, to run a slice at a time (src/run/interruptible.ts). */
  start: () => Engine;
}

export interface SetUpOptions {
  invariants?: readonly Invariant[];
  /** Describe each choice's options in the event (logs do; exploration does not need it). */
  describeChoices?: boolean;
  /**
   * The state the step programs are given to read (default: the live state itself). Stateful search
   * passes a view that records what each core's programs read (program-trace.ts).
   */
  programView?: (state: MachineState) => MachineState;
  /** Told the engine and the system it runs, before the run starts (stateful search asks them). */
  attach?: (engine: Engine, system: System) => void;
}

/**
 * The one engine set-up: the scenario's initial state, the engine over it with the invariants, and
 * the kernel (with its hypervisor) it runs. `run`, exploration and the tests start a machine here.
 * `sinkFor` makes the observers of the event stream from the live state (observers that fingerprint or
 * copy it need it); each subscribes to the engine's stream, after the invariants.
 */
export function setUp(
  scenario: Scenario,
  allocator: AsidAllocator,
  chooser: Chooser,
  sinkFor: (state: MachineState) => EventObserver<SimEvent> | readonly EventObserver<SimEvent>[],
  opts: SetUpOptions = {},
): SetUp {
  const state = scenarioInitialState(scenario, allocator);
  const engineOpts =
    opts.describeChoices === undefined
      ? engineOptions(scenario)
      : { ...engineOptions(scenario), describeChoices: opts.describeChoices };
  const engine = new Engine(engineOpts, state, chooser, opts.invariants ?? machineInvariants);
  const sinks = sinkFor(state);
  for (const sink of typeof sinks === "function" ? [sinks] : sinks) engine.events.subscribe(sink);
  return {
    state,
    run: () => {
      const system = kernelSystem(scenario, opts.programView ? opts.programView(state) : state, allocator);
      opts.attach?.(engine, system);
      return engine.run(system);
    },
    start: () => {
      const system = kernelSystem(scenario, opts.programView ? opts.programView(state) : state, allocator);
      opts.attach?.(engine, system);
      engine.start(system);
      return engine;
    },
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
  sink: EventObserver<SimEvent> | readonly EventObserver<SimEvent>[],
  invariants: readonly Invariant[] = machineInvariants,
  describeChoices = true,
): Simulation {
  const machine = setUp(scenario, allocator, chooser, () => sink, { invariants, describeChoices });
  return { outcome: machine.run(), state: machine.state };
}
