/** One run of a scenario: initial state, kernel, engine, invariants; events go to a sink. */
import type { Pte, PageTable } from "../../cores/page-table.js";
import { vpnOf } from "../../cores/page-table.js";
import type { Tables } from "../../cores/walk.js";
import { Engine, type RunOutcome } from "../engine/engine.js";
import type { Chooser } from "../engine/chooser.js";
import type { EngineOptions } from "../engine/machine.js";
import type { SimEvent } from "../events/index.js";
import { machineInvariants } from "../invariants/index.js";
import type { Invariant } from "../invariants/invariant.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { RESERVED_TTBR0 } from "../kernel/switch-sequence.js";
import { kernelSystem } from "./system.js";
import { hypInitialVars } from "../hyp/hypervisor.js";
import { initialHypState } from "../state/hyp-state.js";
import { shadowOf } from "../scenario/shadow.js";
import { initialState, type InitialStateInput, type MachineState } from "../state/machine-state.js";
import type { Scenario } from "../scenario/types.js";

const tablesCache = new WeakMap<Scenario, Tables>();

/** The scenario's page tables keyed by VPN (computed once per scenario object; never mutated). */
export function tablesOf(scenario: Scenario): Tables {
  let t = tablesCache.get(scenario);
  if (!t) tablesCache.set(scenario, (t = buildTables(scenario)));
  return t;
}

function buildTables(scenario: Scenario): Tables {
  const tables: Tables = { [RESERVED_TTBR0]: {} };
  for (const mm of mmsOf(scenario)) tables[mm] = {};
  for (const [id, entries] of Object.entries(scenario.tables)) {
    const t: PageTable = (tables[id] ??= {});
    for (const [va, p] of Object.entries(entries)) {
      const pte: Pte = { pa: p.pa, global: p.global, writable: p.writable };
      t[vpnOf(Number(va))] = Object.freeze(pte);
    }
  }
  // Frozen: initial states share them, and the reducer copies a table before its first write.
  for (const id in tables) Object.freeze(tables[id]);
  return tables;
}

/**
 * The address spaces of user tasks (kernel threads, in the kernel's table, have none), then under
 * armv6-kvm the shadow tables, which the host switches to like any mm and gives ASIDs.
 */
export function mmsOf(scenario: Scenario): string[] {
  const mms = scenario.tasks.map((t) => t.mm).filter((mm) => mm !== scenario.kernelTable);
  const hyp = scenario.hyp;
  if (hyp?.worldSwitch === "armv6-kvm") for (const vm of hyp.vms) for (const g of vm.guestTasks) mms.push(shadowOf(g.table));
  return [...new Set(mms)];
}

const inputs = new WeakMap<Scenario, Map<AsidAllocator, InitialStateInput>>();

/**
 * What the initial state is made from, computed once per scenario object and allocator (exploration
 * makes an initial state for every schedule); `initialState` copies everything it may mutate.
 */
function initialInput(scenario: Scenario, allocator: AsidAllocator): InitialStateInput {
  let byAllocator = inputs.get(scenario);
  if (!byAllocator) inputs.set(scenario, (byAllocator = new Map()));
  let input = byAllocator.get(allocator);
  if (!input) {
    const m = scenario.machine;
    input = {
      cores: m.cores,
      tables: tablesOf(scenario),
      vars: { ...allocator.initialVars(mmsOf(scenario), m.cores, scenario.kernel.asidBits), ...hypInitialVars(scenario.hyp, m.cores) },
      tasks: Object.fromEntries(scenario.tasks.map((t) => [t.id, { mm: t.mm }])),
      kernelTable: scenario.kernelTable,
      pageOffset: m.pageOffset,
      costs: m.costs,
      hyp: initialHypState(scenario),
    };
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
