/**
 * A user's allocator module is input, not part of smpsim: what it returns and yields is checked, and
 * anything it does wrong (throws, yields something that is not an operation, unlocks a lock it does not
 * hold, sends an IPI to a core that does not exist, notes an event that is not a kernel event) is an
 * AllocatorError naming the module file, the operation and why (exit 2), not a crash reported as a bug
 * in smpsim. Built-in allocators are not wrapped (their mistakes are smpsim's bugs).
 */
import { vpnOf } from "../../../cores/page-table.js";
import { l1Of } from "../../../cores/table-pages.js";
import type { Op, Program } from "../../engine/ops.js";
import { checkEvent } from "../../events/event-schema.js";
import type { SimEvent } from "../../events/index.js";
import type { IpiHandler, KernelCtx } from "../context.js";
import type { AsidAllocator } from "./allocator.js";
import { AllocatorError } from "./errors.js";

const NOTES = new Set([
  "asid.rollover",
  "asid.assign",
  "sched.yield",
  "task.exit",
  "vcpu.load",
  "vcpu.put",
  "hyp.save",
  "hyp.enter",
  "hyp.exit",
  "vmid.assign",
  "vmid.rollover",
]);
const NAMED = new Set(["read", "write", "xchg", "cmpxchg", "lock", "unlock"]);
/**
 * Variable and lock names key plain objects in the machine state: a name that is a member of every
 * object ("toString", "__proto__") would read that member instead of a variable.
 */
const RESERVED_NAMES = new Set(["__proto__", ...Object.getOwnPropertyNames(Object.prototype)]);

export const show = (v: unknown): string => {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    s = undefined;
  }
  s ??= String(v);
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
};
const isInt = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v);
const isNum = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);

/** Why `op`, yielded by a program running on `cpu`, is not an operation it may yield; null when it is. */
function wrongOp(op: unknown, k: KernelCtx, cpu: number, extra: ReadonlySet<string>): string | null {
  if (typeof op !== "object" || op === null) return `${show(op)}, which is not an operation (an object with "k")`;
  const o = op as Record<string, unknown>;
  const k_ = o.k;
  if (typeof k_ === "string" && NAMED.has(k_)) {
    if (typeof o.name !== "string" || o.name === "") return `a ${k_} without a variable or lock name`;
    if (RESERVED_NAMES.has(o.name)) return `a ${k_} of ${show(o.name)}, a name every JavaScript object has (choose another)`;
  }
  switch (k_) {
    case "isb":
    case "dsb":
    case "wait-acks":
      return null;
    // smp_mb / smp_rmb / smp_wmb (DMB ISH / ISHLD / ISHST): an ordering under machine.memoryModel armv8, nothing under sc.
    case "dmb":
      return o.kind === "full" || o.kind === "ld" || o.kind === "st" ? null : `a dmb of kind ${show(o.kind)} (full, ld or st)`;
    case "reg":
      return typeof o.regs === "object" && o.regs !== null ? null : "a reg operation without regs";
    case "read":
    case "lock":
      return null;
    case "unlock":
      return k.state.locks[o.name as string] === cpu
        ? null
        : `an unlock of lock ${show(o.name)}, which core ${cpu} does not hold`;
    case "write":
    case "xchg":
      return isNum(o.value) ? null : `a ${k_} of ${show(o.value)}, which is not a number`;
    case "cmpxchg":
      return isNum(o.value) && isNum(o.expect) ? null : "a cmpxchg whose expect or value is not a number";
    case "access":
      return isInt(o.va) && (o.va as number) >= 0 && (o.va as number) <= 0xffffffff && typeof o.write === "boolean"
        ? null
        : `an access of ${show(o.va)}`;
    case "tlbi":
      return typeof o.op === "object" && o.op !== null && typeof o.broadcast === "boolean"
        ? null
        : "a tlbi without op or broadcast";
    case "ipi": {
      if (!Array.isArray(o.to) || typeof o.ipi !== "string" || !isNum(o.arg) || typeof o.wait !== "boolean")
        return "an ipi without to, ipi, arg or wait";
      const bad: unknown = (o.to as unknown[]).find(
        (c) => !isInt(c) || (c as number) < 0 || (c as number) >= k.cores || c === cpu,
      );
      return bad === undefined ? null : `an IPI to core ${show(bad)} (cores 0 to ${k.cores - 1}, not the sender)`;
    }
    case "choose":
      return isInt(o.of) && (o.of as number) >= 1 && typeof o.what === "string" ? null : `a choice among ${show(o.of)} options`;
    case "note": {
      const ev = o.ev as Record<string, unknown> | null;
      if (typeof ev !== "object" || ev === null || typeof ev.type !== "string" || !NOTES.has(ev.type))
        return `a note of ${show(ev)}, which is not a kernel event`;
      const why = checkEvent({ ...ev, seq: 0, t: 0, core: cpu } as unknown as SimEvent, {
        cores: k.cores,
        tlbEntries: k.scenario.machine.tlbEntries,
        tasks: new Set(k.scenario.tasks.map((t) => t.id)),
        vcpus: new Set(k.scenario.tasks.filter((t) => t.vcpu !== undefined).map((t) => t.id)),
        hyp: k.scenario.hyp !== null,
      });
      return why ? `a ${ev.type} note that is malformed (${why})` : null;
    }
    case "call": {
      const p = o.program as { next?: unknown } | null;
      return typeof p === "object" && p !== null && typeof p.next === "function"
        ? null
        : `a call of ${show(o.program)}, which is not a step program`;
    }
    // Only modules whose interface includes them (the TLB-flush paths; world switches).
    case "pte":
    case "retire":
      if (!extra.has(k_)) break;
      if (typeof o.table !== "string" || !(o.table in k.scenario.tables))
        return `a ${k_} of table ${show(o.table)}, which the scenario does not have`;
      if (!isInt(o.va) || (o.va as number) < 0 || (o.va as number) > 0xffffffff) return `a ${k_} of ${show(o.va)}`;
      if (k_ === "pte" && o.pte !== null && (typeof o.pte !== "object" || !isInt((o.pte as Record<string, unknown>).pa)))
        return `a pte whose pte is ${show(o.pte)} (null or { pa, global, writable })`;
      return null;
    case "pmd-clear": {
      if (!extra.has(k_)) break;
      if (!k.state.pt) return "a pmd-clear on a machine without machine.walkCache";
      const pfn = isInt(o.va) && typeof o.table === "string" ? k.state.pt.pmd[o.table]?.[l1Of(vpnOf(o.va as number))] : undefined;
      return pfn === undefined ? `a pmd-clear of ${show(o.table)} ${show(o.va)}, where no table page is linked` : null;
    }
    case "pt-free":
      if (!extra.has(k_)) break;
      return isInt(o.pfn) && k.state.pt?.pages[o.pfn as number] !== undefined
        ? null
        : `a pt-free of ${show(o.pfn)}, which is not a table page`;
    case "in-guest":
      if (!extra.has(k_)) break;
      return typeof o.vcpu === "string" && typeof o.op === "object" && o.op !== null
        ? wrongOp(o.op, k, cpu, extra)
        : "an in-guest without vcpu or op";
  }
  return `${show(op)}, which is not an operation a module may yield`;
}

/** What a module's program may yield beyond the common operations, and what its return must be. */
export interface CheckOptions {
  readonly extraOps?: ReadonlySet<string>;
  /** Why the returned value is wrong, or null. */
  readonly result?: (v: unknown) => string | null;
}
const NO_EXTRA: ReadonlySet<string> = new Set();

/** Why `v` is not a string / number / boolean, for CheckOptions.result. */
export const mustBe =
  (type: "string" | "number" | "boolean") =>
  (v: unknown): string | null =>
    typeof v === type && (type !== "number" || Number.isInteger(v))
      ? null
      : `returned ${show(v)}, not ${type === "number" ? "an integer" : `a ${type}`}`;

/** `inner` with every operation checked and every throw reported against `file` and `what`. */
export function* checked(
  file: string,
  what: string,
  k: KernelCtx,
  cpu: number,
  inner: Generator<Op, unknown, number>,
  opts: CheckOptions = {},
): Generator<Op, unknown, number> {
  const fail = (why: string): never => {
    throw new AllocatorError(`${file}: ${what} on core ${cpu}: ${why}`);
  };
  let input: number | undefined;
  let first = true;
  for (;;) {
    let r: IteratorResult<Op, unknown>;
    try {
      r = first ? inner.next() : inner.next(input!);
    } catch (e) {
      if (e instanceof AllocatorError) throw e;
      return fail(`threw: ${e instanceof Error ? e.message : show(e)}`);
    }
    first = false;
    if (r.done) {
      const bad = opts.result?.(r.value);
      if (bad) fail(bad);
      return r.value;
    }
    const why = wrongOp(r.value, k, cpu, opts.extraOps ?? NO_EXTRA);
    if (why) fail(`yielded ${why}`);
    type Called = Extract<Op, { k: "call" }>["program"];
    const op: Op =
      r.value.k === "call"
        ? {
            k: "call",
            program: checked(file, what, k, cpu, r.value.program, {
              ...(opts.extraOps ? { extraOps: opts.extraOps } : {}),
            }) as Called,
          }
        : r.value;
    input = yield op;
  }
}

export function checkedModule(file: string, user: AsidAllocator): AsidAllocator {
  const handlers: Record<string, IpiHandler> = {};
  for (const [name, h] of Object.entries(user.ipiHandlers ?? {})) {
    if (typeof h !== "function") throw new AllocatorError(`${file}: ipiHandlers.${name} is not a function`);
    handlers[name] = (k, cpu, msg) =>
      checked(
        file,
        `IPI handler ${name}`,
        k,
        cpu,
        call(file, `IPI handler ${name}`, () => h(k, cpu, msg)),
      ) as Program;
  }
  return {
    name: user.name,
    source: user.source ?? `user module ${file}`,
    ipiHandlers: handlers,
    initialVars(mms, cores, asidBits) {
      return checkedVars(file, () => user.initialVars(mms, cores, asidBits));
    },
    switchMm(k, cpu, mm) {
      return checked(
        file,
        "switchMm",
        k,
        cpu,
        call(file, "switchMm", () => user.switchMm(k, cpu, mm)),
      ) as Program;
    },
  };
}

/** A module's initialVars: an object of numbers, under names that are not every object's members. */
export function checkedVars(file: string, make: () => unknown): Record<string, number> {
  let vars: unknown;
  try {
    vars = make();
  } catch (e) {
    if (e instanceof AllocatorError) throw new AllocatorError(`${file}: initialVars: ${e.message}`);
    throw new AllocatorError(`${file}: initialVars threw: ${e instanceof Error ? e.message : show(e)}`);
  }
  if (typeof vars !== "object" || vars === null || Array.isArray(vars))
    throw new AllocatorError(`${file}: initialVars returned ${show(vars)}, not an object of variables`);
  for (const [name, v] of Object.entries(vars)) {
    if (RESERVED_NAMES.has(name))
      throw new AllocatorError(
        `${file}: initialVars returned a variable named ${show(name)}, a name every JavaScript object has`,
      );
    if (!isNum(v)) throw new AllocatorError(`${file}: initialVars returned ${name}: ${show(v)}, not a number`);
  }
  return vars as Record<string, number>;
}

/** The program a module function returns, which must be a generator. */
export function call(file: string, what: string, make: () => unknown): Generator<Op, unknown, number> {
  let g: unknown;
  try {
    g = make();
  } catch (e) {
    throw new AllocatorError(`${file}: ${what} threw: ${e instanceof Error ? e.message : show(e)}`);
  }
  if (typeof g !== "object" || g === null || typeof (g as { next?: unknown }).next !== "function") {
    throw new AllocatorError(`${file}: ${what} returned ${show(g)}, not a step program (a generator)`);
  }
  return g as Generator<Op, unknown, number>;
}
