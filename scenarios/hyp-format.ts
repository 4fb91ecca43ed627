/**
 * The scenario format's `hyp` section: the hypervisor, its VMs and their vCPU threads. Checked field by
 * field like the rest of the format; for `armv6-kvm` it also builds the shadow tables the host runs a
 * guest on, so the resolved scenario (and a log's header) holds every table the machine walks.
 */
import type { HypConfig, PteSpec, TaskSpec, VmSpec, WorkloadOp } from "../src/scenario/types.js";
import { shadowOf } from "../src/scenario/shadow.js";
import { pageBase } from "../cores/page-table.js";
import type { Fields } from "./fields.js";
import { looksLikePath } from "../src/modules/load.js";

const HYP_FIELDS = [
  "worldSwitch",
  "hostKernelMappings",
  "flushOnSwitch",
  "sharedPage",
  "vmidAllocator",
  "vmidBits",
  "vmidPublish",
  "vmidBarriers",
  "vms",
];
export const SHARED_PAGE = 0xffff1000;

type Tables = Record<string, Record<number, PteSpec>>;

export function readHyp(f: Fields, raw: unknown): HypConfig {
  const o = f.object(raw, "hyp");
  f.known(o, "hyp", HYP_FIELDS);
  const vms = f.array(o.vms, "hyp.vms").map((v, i) => readVm(f, v, `hyp.vms[${i}]`));
  if (vms.length === 0) f.fail("hyp.vms", "a hypervisor needs at least one VM");
  const ids = new Set<string>();
  for (const [i, vm] of vms.entries()) {
    if (ids.has(vm.id)) f.fail(`hyp.vms[${i}].id`, `VM "${vm.id}" is defined twice`);
    ids.add(vm.id);
  }
  return {
    worldSwitch: f.opt(o, "worldSwitch", "hyp", "a15-hyp", (v, p) =>
      builtinOrModule(f, v, p, "world switch", ["armv6-kvm", "a15-hyp", "vhe"]),
    ),
    hostKernelMappings: f.opt(o, "hostKernelMappings", "hyp", "global", (v, p) =>
      f.oneOf(v, p, ["global", "non-global"] as const),
    ),
    flushOnSwitch: f.opt(o, "flushOnSwitch", "hyp", false, (v, p) => f.bool(v, p)),
    sharedPage: f.opt(o, "sharedPage", "hyp", SHARED_PAGE, (v, p) => f.address(v, p)),
    vmidAllocator: f.opt(o, "vmidAllocator", "hyp", "kvm-3.9", (v, p) =>
      builtinOrModule(f, v, p, "VMID allocator", ["kvm-3.9", "kvm-5.16"]),
    ),
    vmidBits: f.opt(o, "vmidBits", "hyp", 8, (v, p) => f.int(v, p, 2, 16)),
    vmidPublish: f.opt(o, "vmidPublish", "hyp", "v3.9", (v, p) => f.oneOf(v, p, ["v3.9", "v4.17", "v5.0"] as const)),
    vmidBarriers: f.opt(o, "vmidBarriers", "hyp", true, (v, p) => f.bool(v, p)),
    vms,
  };
}

/** A built-in's name, or a module path (loaded before the run, src/modules/resolve.ts). */
function builtinOrModule(f: Fields, v: unknown, path: string, what: string, builtins: readonly string[]): string {
  const s = f.string(v, path);
  if (builtins.includes(s) || looksLikePath(s)) return s;
  return f.fail(
    path,
    `unknown ${what} "${s}" (built-in: ${builtins.join(", ")}; or a module path such as ./my-${what.replace(/ /g, "-").toLowerCase()}.mjs)`,
  );
}

function readVm(f: Fields, raw: unknown, path: string): VmSpec {
  const o = f.object(raw, path);
  f.known(o, path, ["id", "stage2", "kernelTable", "guestTasks"]);
  const guestTasks = f.array(o.guestTasks, `${path}.guestTasks`).map((g, i) => {
    const p = `${path}.guestTasks[${i}]`;
    const t = f.object(g, p);
    f.known(t, p, ["id", "table", "asid"]);
    return { id: f.name(t.id, `${p}.id`), table: f.name(t.table, `${p}.table`), asid: f.int(t.asid, `${p}.asid`, 1, 255) };
  });
  if (guestTasks.length === 0) f.fail(`${path}.guestTasks`, "a VM needs at least one guest task");
  return {
    id: f.name(o.id, `${path}.id`),
    stage2: f.name(o.stage2, `${path}.stage2`),
    kernelTable: f.name(o.kernelTable, `${path}.kernelTable`),
    guestTasks,
  };
}

const GUEST_OPS = new Set<WorkloadOp["op"]>(["guest-switch", "hvc", "inject-irq"]);
const HOST_ONLY_OPS = new Set<WorkloadOp["op"]>(["map", "unmap", "free-table"]);

/** vCPU threads run guest scripts; other tasks may not use guest operations. */
export function checkVcpuTasks(f: Fields, tasks: TaskSpec[], hyp: HypConfig | null): void {
  for (const [i, t] of tasks.entries()) {
    const vm = t.vcpu === undefined ? undefined : hyp?.vms.find((v) => v.id === t.vcpu);
    if (t.vcpu !== undefined && !vm) {
      f.fail(
        `tasks[${i}].vcpu`,
        hyp ? `no VM "${t.vcpu}" in hyp.vms` : `task "${t.id}" is a vCPU but the scenario has no "hyp" section`,
      );
    }
    const visit = (ops: WorkloadOp[], path: string): void => {
      for (const [j, op] of ops.entries()) {
        const p = `${path}[${j}]`;
        if (!vm && GUEST_OPS.has(op.op))
          f.fail(`${p}.op`, `"${op.op}" runs in a guest: only a vCPU task (with "vcpu") may use it`);
        if (vm && HOST_ONLY_OPS.has(op.op))
          f.fail(`${p}.op`, `a vCPU's script runs in the guest, where "${op.op}" is not modelled`);
        if (vm && op.op === "guest-switch" && !vm.guestTasks.some((g) => g.id === op.task)) {
          f.fail(`${p}.task`, `VM "${vm.id}" has no guest task "${op.task}"`);
        }
        if (op.op === "repeat") visit(op.body, `${p}.body`);
      }
    };
    visit(t.script, `tasks[${i}].script`);
  }
}

/**
 * Makes the tables what the hypervisor model needs. armv6-kvm: the host kernel's mappings become global
 * or not as `hostKernelMappings` says (the shared page stays global: it is the same in both worlds),
 * and every guest task gets a shadow table (guest VA → PA through stage 2), all entries non-global so a
 * guest translation never outlives its shadow ASID, with the shared page mapped as in the host.
 * Shadow page tables: Dall & Nieh, "KVM for ARM", Ottawa Linux Symposium 2010, and the seed thread.
 */
export function resolveHypTables(f: Fields, hyp: HypConfig, tables: Tables, kernelTable: string, pageOffset: number): Tables {
  for (const [i, vm] of hyp.vms.entries()) {
    for (const id of [vm.stage2, vm.kernelTable, ...vm.guestTasks.map((g) => g.table)]) {
      if (!Object.hasOwn(tables, id)) f.fail(`hyp.vms[${i}]`, `table "${id}" is not in "tables"`);
    }
  }
  if (hyp.worldSwitch !== "armv6-kvm") return tables;
  const host = Object.hasOwn(tables, kernelTable) ? tables[kernelTable]! : {};
  const shared = Object.hasOwn(host, hyp.sharedPage) ? host[hyp.sharedPage] : undefined;
  if (!shared) f.fail("hyp.sharedPage", `the host kernel table "${kernelTable}" does not map the shared page ${hyp.sharedPage}`);
  const out: Tables = { ...tables };
  const global = hyp.hostKernelMappings === "global";
  out[kernelTable] = Object.fromEntries(
    Object.entries(host).map(([va, p]) => [va, { ...p, global: Number(va) === hyp.sharedPage ? true : global }]),
  );
  for (const vm of hyp.vms) {
    const s2 = tables[vm.stage2]!;
    const through = (p: PteSpec): PteSpec | null => {
      const q = s2[pageBase(p.pa)];
      return q ? { pa: q.pa, global: false, writable: p.writable && q.writable } : null;
    };
    for (const g of vm.guestTasks) {
      const shadow: Record<number, PteSpec> = {};
      const add = (entries: Record<number, PteSpec>, kernelHalf: boolean): void => {
        for (const [va, p] of Object.entries(entries)) {
          if (Number(va) >= pageOffset !== kernelHalf) continue;
          const q = through(p);
          if (q) shadow[Number(va)] = q;
        }
      };
      add(tables[g.table]!, false);
      add(tables[vm.kernelTable]!, true);
      shadow[hyp.sharedPage] = { ...shared, global: true };
      out[shadowOf(g.table)] = shadow;
    }
  }
  return out;
}
