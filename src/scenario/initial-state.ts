/**
 * A scenario's machine at boot: its page tables keyed by VPN, the address spaces the kernel gives
 * ASIDs to, and what the initial state is made from. Only what the scenario says: the kernel's and
 * hypervisor's shared variables come from their allocators, which the caller knows (src/run/simulate.ts).
 */
import type { Pte, PageTable } from "../../cores/page-table.js";
import { vpnOf } from "../../cores/page-table.js";
import type { Tables } from "../../cores/walk.js";
import type { InitialStateInput } from "../state/machine-state.js";
import { splitsTtbr } from "./arch.js";
import { initialHypState } from "./initial-hyp-state.js";
import { shadowOf } from "./shadow.js";
import type { Scenario } from "./types.js";

/** The swapper tables (init_mm's pgd): no user mappings; TTBR0 points there under `reserved-ttbr0`. */
export const RESERVED_TTBR0 = "swapper";

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
    // Own entries only: a table named "constructor" must not find Object's constructor.
    const t: PageTable = Object.hasOwn(tables, id) ? tables[id]! : (tables[id] = {});
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
  const kernel = Object.hasOwn(tables, scenario.kernelTable) ? tables[scenario.kernelTable]! : {};
  const first = vpnOf(scenario.machine.pageOffset);
  const host = scenario.tasks.map((t) => t.mm).filter((mm) => mm !== scenario.kernelTable);
  for (const id of [RESERVED_TTBR0, ...new Set(host)]) {
    const t = Object.hasOwn(tables, id) ? tables[id]! : (tables[id] = {});
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

/** What `initialState` makes the machine from; `vars` are the shared variables at boot. */
export function initialStateInput(scenario: Scenario, vars: Record<string, number>): InitialStateInput {
  const m = scenario.machine;
  return {
    cores: m.cores,
    tables: tablesOf(scenario),
    vars,
    tasks: Object.fromEntries(scenario.tasks.map((t) => [t.id, { mm: t.mm }])),
    kernelTable: scenario.kernelTable,
    pageOffset: m.pageOffset,
    ttbcrSplit: splitsTtbr(m.arch),
    costs: m.costs,
    hyp: initialHypState(scenario),
    ...(m.sharedTlb ? { sharedTlb: m.sharedTlb } : {}),
    ...(m.walkCache ? { walkCache: m.walkCache } : {}),
  };
}

const tasksOnCache = new WeakMap<Scenario, (readonly string[])[]>();

/**
 * The tasks core `cpu`'s scheduler may pick (its affinity allows it; an empty affinity allows every
 * core), in the state's task order (what a `for...in` over the tasks gives, as the scheduler lists
 * them). Computed once per scenario object; the kernel and the explorer both read it.
 */
export function tasksOn(scenario: Scenario, cpu: number): readonly string[] {
  let perCore = tasksOnCache.get(scenario);
  if (!perCore) {
    const byId = new Map(scenario.tasks.map((t) => [t.id, t]));
    const inStateOrder = Object.keys(Object.fromEntries(byId));
    perCore = Array.from({ length: scenario.machine.cores }, (_, c) =>
      inStateOrder.filter((id) => {
        const cores = byId.get(id)?.cores ?? [];
        return cores.length === 0 || cores.includes(c);
      }),
    );
    tasksOnCache.set(scenario, perCore);
  }
  return perCore[cpu] ?? [];
}
