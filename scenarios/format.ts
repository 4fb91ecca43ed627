/**
 * The scenario format: reads a scenario (from a JSON file or a built-in's object), checks every field,
 * fills in the defaults and returns the resolved Scenario. README.md documents the fields.
 */
import { defaultFlushAllScope, type Arch } from "../src/scenario/arch.js";
import type { KernelConfig, PteSpec, Scenario, TaskSpec, WorkloadOp } from "../src/scenario/types.js";
import { decodeSchedule } from "../src/engine/schedule.js";
import { Fields } from "./fields.js";
import { looksLikePath } from "../src/modules/load.js";
import { checkVcpuTasks, readHyp, resolveHypTables } from "./hyp-format.js";
import { readMachine } from "./machine-format.js";
import { readSymmetry } from "./symmetry-format.js";

const SWITCHES = ["ttbr-then-asid", "asid-then-ttbr", "reserved-asid", "reserved-ttbr0", "atomic"] as const;
const SHOOTDOWNS = ["broadcast", "local", "ipi", "broadcast-no-dsb", "broadcast-last-level"] as const;
const OPS = [
  "read",
  "write",
  "yield",
  "map",
  "unmap",
  "free-table",
  "repeat",
  "exit",
  "guest-switch",
  "hvc",
  "inject-irq",
] as const;
const TOP = ["id", "description", "expect", "machine", "tables", "kernelTable", "kernel", "tasks", "hyp", "schedule", "symmetry"];

export { DEFAULT_PAGE_OFFSET } from "./machine-format.js";

export function readScenario(raw: unknown, file: string): Scenario {
  const f = new Fields(file);
  const o = f.object(raw, "(top level)");
  f.known(o, "", TOP);
  const kernelTable = f.opt(o, "kernelTable", "", "kernel", (v, p) => f.name(v, p));
  const tasks = f.array(o.tasks, "tasks").map((t, i) => readTask(f, t, `tasks[${i}]`));
  if (tasks.length === 0) f.fail("tasks", "a scenario needs at least one task");
  const ids = new Set<string>();
  for (const [i, t] of tasks.entries()) {
    if (ids.has(t.id)) f.fail(`tasks[${i}].id`, `task "${t.id}" is defined twice`);
    ids.add(t.id);
    // A task in the kernel's "mm" is a kernel thread: it has no mm of its own and borrows one.
    if (t.mm === kernelTable && hasUserOps(t.script)) {
      f.fail(`tasks[${i}].script`, `task "${t.id}" is a kernel thread (mm "${t.mm}"): it cannot map or unmap user pages`);
    }
  }
  const machine = readMachine(f, o.machine ?? {}, tasks);
  // Page-table pages exist only in the two-level model that machine.walkCache turns on.
  const noTables = tasks.findIndex((t) => usesOp(t.script, "free-table"));
  if (noTables >= 0 && !machine.walkCache)
    f.fail(`tasks[${noTables}].script`, "free-table needs machine.walkCache (page-table pages are modelled only with it)");
  const kernel = readKernel(f, o.kernel ?? {}, machine.arch);
  const hyp = o.hyp === undefined || o.hyp === null ? null : readHyp(f, o.hyp);
  checkVcpuTasks(f, tasks, hyp);
  const plain = readTables(f, o.tables ?? {}, kernelTable);
  const tables = hyp ? resolveHypTables(f, hyp, plain, kernelTable, machine.pageOffset) : plain;
  for (const [i, t] of tasks.entries()) {
    for (const c of t.cores)
      if (c >= machine.cores) f.fail(`tasks[${i}].cores`, `core ${c} does not exist (${machine.cores} cores)`);
    // Without a table every access of the task faults and the run looks clean: a typo, almost always.
    // A scenario that means it says so with an empty table.
    if (t.mm !== kernelTable && !Object.hasOwn(tables, t.mm)) {
      f.fail(
        `tasks[${i}].mm`,
        `mm "${t.mm}" has no page table (tables.${t.mm}), so every access would fault; add its table, or "${t.mm}": {} in tables if the faults are intended`,
      );
    }
  }
  const symmetry =
    o.symmetry === undefined
      ? []
      : readSymmetry(f, o.symmetry, {
          tasks,
          tables,
          kernelTable,
          unsupported: symmetryUnsupported(kernel, hyp !== null, machine.walkCache),
        });
  const sched = f.object(o.schedule ?? {}, "schedule");
  f.known(sched, "schedule", ["strategy", "seed", "windowCycles", "choices"]);
  const choices = sched.choices === undefined ? undefined : readChoices(f, sched.choices, "schedule.choices");
  return {
    id: f.string(o.id, "id"),
    // An empty description is what a scenario without one resolves to (and a log header records).
    description: f.opt(o, "description", "", "", (v, p) => (v === "" ? "" : f.string(v, p))),
    expect: f.opt(o, "expect", "", "clean", (v, p) => f.oneOf(v, p, ["clean", "violation"] as const)),
    machine,
    tables,
    kernelTable,
    kernel,
    tasks,
    hyp,
    schedule: {
      strategy: f.opt(sched, "strategy", "schedule", "random", (v, p) => f.oneOf(v, p, ["random", "fifo"] as const)),
      seed: f.opt(sched, "seed", "schedule", 1, (v, p) => f.int(v, p, 0, 0x7fffffff)),
      windowCycles: f.opt(sched, "windowCycles", "schedule", 20, (v, p) =>
        v === null || v === "any" ? null : f.int(v, p, 0, 1e9),
      ),
      // Only when given, so the headers of scenarios without one stay as they were.
      ...(choices !== undefined ? { choices } : {}),
    },
    // Only when given, so the headers of scenarios without it stay as they were.
    ...(symmetry.length > 0 ? { symmetry } : {}),
  };
}

/** Why a scenario's tasks cannot be declared symmetric at all (README, "Symmetry reduction"), or null. */
function symmetryUnsupported(kernel: KernelConfig, hyp: boolean, walkCache: unknown): string | null {
  if (hyp)
    return "symmetry with a hypervisor is not supported (VM symmetry is not built: the hypervisor's state, the VMID allocator's per-VM variables and the stage-2 tables are not renamed)";
  if (walkCache) return "symmetry with machine.walkCache is not supported (its table pages are not renamed)";
  if (kernel.switchMm || kernel.tlbFlush || looksLikePath(kernel.asidAllocator))
    return "symmetry needs the built-in kernel code (a module's code is not known to treat the members alike)";
  return null;
}

/** A schedule string that `run` follows when no --seed or --schedule is given (a found violation). */
function readChoices(f: Fields, v: unknown, path: string): string {
  const s = f.string(v, path);
  try {
    decodeSchedule(s);
  } catch (e) {
    f.fail(path, (e as Error).message);
  }
  return s;
}

function readKernel(f: Fields, raw: unknown, arch: Arch): KernelConfig {
  const o = f.object(raw, "kernel");
  f.known(o, "kernel", ["asidAllocator", "asidBits", "switchSequence", "flushAllScope", "scheduler", "switchMm", "tlbFlush"]);
  // Module paths, only when given (so headers of scenarios without them stay as they were).
  const modules: { switchMm?: string; tlbFlush?: string } = {};
  for (const m of ["switchMm", "tlbFlush"] as const) {
    if (o[m] === undefined || o[m] === "built-in") continue;
    const path = f.string(o[m], `kernel.${m}`);
    if (!looksLikePath(path)) f.fail(`kernel.${m}`, `"${path}" is not a module path (a .mjs/.js file, or "built-in")`);
    modules[m] = path;
  }
  return {
    asidAllocator: f.opt(o, "asidAllocator", "kernel", "static", (v, p) => f.string(v, p)),
    asidBits: f.opt(o, "asidBits", "kernel", 8, (v, p) => f.int(v, p, 2, 16)),
    switchSequence: f.opt(o, "switchSequence", "kernel", "reserved-asid", (v, p) => f.oneOf(v, p, SWITCHES)),
    flushAllScope: f.opt(o, "flushAllScope", "kernel", defaultFlushAllScope(arch), (v, p) =>
      f.oneOf(v, p, ["local", "inner-shareable"] as const),
    ),
    scheduler: f.opt(o, "scheduler", "kernel", "any", (v, p) => f.oneOf(v, p, ["any", "round-robin"] as const)),
    ...modules,
  };
}

function readTables(f: Fields, raw: unknown, kernelTable: string): Record<string, Record<number, PteSpec>> {
  const o = f.object(raw, "tables");
  const out: Record<string, Record<number, PteSpec>> = {};
  for (const [id, entries] of Object.entries(o)) {
    f.name(id, `tables.${id}`);
    const e = f.object(entries, `tables.${id}`);
    const t: Record<number, PteSpec> = (out[id] = {});
    for (const [vaText, pteRaw] of Object.entries(e)) {
      const path = `tables.${id}.${vaText}`;
      const va = f.address(vaText, path);
      const p = f.object(pteRaw, path);
      f.known(p, path, ["pa", "global", "writable"]);
      t[va] = {
        pa: f.address(p.pa, `${path}.pa`),
        // Kernel mappings are global unless a scenario says otherwise (as Linux maps them before KVM).
        global: f.opt(p, "global", path, id === kernelTable, (v, q) => f.bool(v, q)),
        writable: f.opt(p, "writable", path, true, (v, q) => f.bool(v, q)),
      };
    }
  }
  return out;
}

function readTask(f: Fields, raw: unknown, path: string): TaskSpec {
  const o = f.object(raw, path);
  f.known(o, path, ["id", "mm", "cores", "script", "vcpu"]);
  return {
    ...(o.vcpu === undefined ? {} : { vcpu: f.name(o.vcpu, `${path}.vcpu`) }),
    id: f.name(o.id, `${path}.id`),
    mm: f.name(o.mm, `${path}.mm`),
    cores: f.opt(o, "cores", path, [] as number[], (v, p) => f.array(v, p).map((c, i) => f.int(c, `${p}[${i}]`, 0, 63))),
    script: f.array(o.script, `${path}.script`).map((s, i) => readOp(f, s, `${path}.script[${i}]`)),
  };
}

/**
 * How deep `repeat`s may nest. Every reader of a script (this one, the checks below, the vCPU run loop)
 * recurses into bodies; far below the depth that overflows the stack, and far above what any workload needs.
 */
export const MAX_REPEAT_DEPTH = 64;

function readOp(f: Fields, raw: unknown, path: string, depth = 0): WorkloadOp {
  const o = f.object(raw, path);
  const op = f.oneOf(o.op, `${path}.op`, OPS);
  switch (op) {
    case "read":
    case "write":
      f.known(o, path, ["op", "va"]);
      return { op, va: f.address(o.va, `${path}.va`) };
    case "yield":
    case "exit":
    case "inject-irq":
      f.known(o, path, ["op"]);
      return { op };
    case "guest-switch":
      f.known(o, path, ["op", "task"]);
      return { op, task: f.name(o.task, `${path}.task`) };
    case "hvc":
      f.known(o, path, ["op", "host"]);
      return {
        op,
        host: f.opt(o, "host", path, [] as number[], (v, p) => f.array(v, p).map((x, i) => f.address(x, `${p}[${i}]`))),
      };
    case "map":
      f.known(o, path, ["op", "va", "pa", "global", "writable"]);
      return {
        op,
        va: f.address(o.va, `${path}.va`),
        pa: f.address(o.pa, `${path}.pa`),
        global: f.opt(o, "global", path, false, (v, p) => f.bool(v, p)),
        writable: f.opt(o, "writable", path, true, (v, p) => f.bool(v, p)),
      };
    case "unmap":
      f.known(o, path, ["op", "va", "shootdown", "pages"]);
      return {
        op,
        va: f.address(o.va, `${path}.va`),
        shootdown: f.opt(o, "shootdown", path, "broadcast", (v, p) => f.oneOf(v, p, SHOOTDOWNS)),
        // Only when given, so the headers of scenarios without it stay as they were.
        ...(o.pages !== undefined ? { pages: f.int(o.pages, `${path}.pages`, 1, 4096) } : {}),
      };
    case "free-table":
      f.known(o, path, ["op", "va", "flush"]);
      return {
        op,
        va: f.address(o.va, `${path}.va`),
        flush: f.opt(o, "flush", path, "pgtable", (v, p) => f.oneOf(v, p, ["pgtable", "last-level"] as const)),
      };
    case "repeat":
      f.known(o, path, ["op", "times", "body"]);
      if (depth >= MAX_REPEAT_DEPTH) f.fail(path, `repeats nest more than ${MAX_REPEAT_DEPTH} deep`);
      return {
        op,
        times: f.int(o.times, `${path}.times`, 0, 1e9),
        body: f.array(o.body, `${path}.body`).map((s, i) => readOp(f, s, `${path}.body[${i}]`, depth + 1)),
      };
  }
}

function usesOp(ops: WorkloadOp[], name: WorkloadOp["op"]): boolean {
  return ops.some((op) => op.op === name || (op.op === "repeat" && usesOp(op.body, name)));
}

function hasUserOps(ops: WorkloadOp[]): boolean {
  return ops.some(
    (op) => op.op === "map" || op.op === "unmap" || op.op === "free-table" || (op.op === "repeat" && hasUserOps(op.body)),
  );
}
