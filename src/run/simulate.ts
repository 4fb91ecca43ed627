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
import { kernelSystem } from "../kernel/system.js";
import { hypInitialVars } from "../hyp/hypervisor.js";
import { initialHypState } from "../hyp/hyp-state.js";
import { shadowOf } from "../hyp/shadow.js";
import { initialState, type InitialStateInput, type MachineState } from "../state/machine-state.js";
import type { Scenario } from "../scenario/types.js";
import { splitsTtbr } from "../scenario/arch.js";

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
  if (!splitsTtbr(scenario.machine.arch)) withKernelEntries(scenario, tables);
  // Frozen: initial states share them, and the reducer copies a table before its first write.
  for (const id in tables) Object.freeze(tables[id]);
  return tables;
}

/**
 * TTBCR.N = 0 (src/scenario/arch.ts): TTBR0 walks kernel VAs too, so every host mm's first-level table
 * holds the kernel's entries, copied at pgd_alloc (arch/arm/mm/pgd.c, v2.6.36 and v3.10: `memcpy(new_pgd +
 * USER_PTRS_PER_PGD, init_pgd + USER_PTRS_PER_PGD, ...)`), with the kernel table's global bit: non-global
 * kernel mappings are then each ASID's own copy. The reserved TTBR0 is swapper_pg_dir itself
 * (cpu_set_reserved_ttbr0 copies TTBR1 into TTBR0, arch/arm/mm/context.c v3.10). Shadow tables (armv6-kvm)
 * and guest tables are not host mms: they map the guest's kernel, not the host's.
 */
function withKernelEntries(scenario: Scenario, tables: Tables): void {
  const kernel = tables[scenario.kernelTable] ?? {};
  const first = vpnOf(scenario.machine.pageOffset);
  const host = scenario.tasks.map((t) => t.mm).filter((mm) => mm !== scenario.kernelTable);
  for (const id of [RESERVED_TTBR0, ...new Set(host)]) {
    const t = (tables[id] ??= {});
    for (const vpn in kernel) if (Number(vpn) >= first) t[Number(vpn)] = kernel[vpn]!;
  }
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
      ttbcrSplit: splitsTtbr(m.arch),
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
