/**
 * Runs one thread of a litmus test to every trace it can have, given the values each location may
 * hold: each read is a choice among those values, each store-exclusive may succeed or fail. Registers
 * carry, beside their value, the reads their value came from, which gives herd7's addr / data / ctrl
 * dependencies (aarch64deps.cat: register dataflow, and a branch orders everything after it).
 */
import { regName, type Address, type Instr, type LitmusTest, type Reg, type Value } from "./ast.js";
import { LitmusError } from "./errors.js";
import type { RmwPair, ThreadTrace, TraceEvent } from "../memory/execution.js";

interface Tainted {
  v: Value;
  /** Indices (in this trace) of the reads this value was computed from. */
  t: readonly number[];
}

const CLEAN: readonly number[] = [];

function union(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

/** Instructions one path may run before it is called a loop (litmus tests are loop-free). */
const STEP_LIMIT = 1000;

/** Picks for the choice points of one path; a path asks `pick(n)` and gets 0..n-1. */
interface Oracle {
  pick(n: number): number;
}

function runPath(test: LitmusTest, tid: number, domain: ReadonlyMap<string, readonly Value[]>, oracle: Oracle): ThreadTrace {
  const code = test.threads[tid]!;
  const regs = new Map<Reg, Tainted>();
  for (const [r, v] of test.regInit.get(tid) ?? []) regs.set(r, { v, t: CLEAN });
  const events: TraceEvent[] = [];
  const rmw: RmwPair[] = [];
  let ctrl: readonly number[] = CLEAN;
  let flags: { eq: boolean; t: readonly number[] } | undefined;
  let reservation: { loc: string; read: number } | undefined;
  let line = 0;
  const fail = (why: string): never => {
    throw new LitmusError(test.file, line, `P${tid}: ${why}`);
  };
  const get = (r: Reg): Tainted => (r === "zr" ? { v: 0, t: CLEAN } : (regs.get(r) ?? { v: 0, t: CLEAN }));
  const set = (r: Reg, x: Tainted) => r !== "zr" && regs.set(r, x);
  const operand = (o: { reg: Reg } | { imm: Value }): Tainted => ("reg" in o ? get(o.reg) : { v: o.imm, t: CLEAN });
  const address = (a: Address): { loc: string; t: readonly number[] } => {
    const base = get(a.base);
    const off = a.offsetReg !== undefined ? get(a.offsetReg) : { v: a.offsetImm ?? 0, t: CLEAN };
    if (typeof base.v !== "string") fail(`address register ${regName(a.base)} holds ${base.v}, not a location`);
    if (off.v !== 0) fail(`address offset ${off.v} from ${base.v}: only offset 0 (the dependency idiom) is supported`);
    return { loc: base.v as string, t: union(base.t, off.t) };
  };
  const event = (e: Omit<TraceEvent, "ctrlSrc" | "instr">, instr: number): number => {
    events.push({ ...e, instr, ctrlSrc: ctrl });
    return events.length - 1;
  };
  const read = (loc: string, instr: number, addrSrc: readonly number[], extra: Partial<TraceEvent>): number => {
    const values = domain.get(loc) ?? fail(`location ${loc} is not in the test`);
    const v = values[oracle.pick(values.length)]!;
    return event({ kind: "R", loc, value: v, addrSrc, dataSrc: CLEAN, ...extra }, instr);
  };
  let pc = 0;
  for (let step = 0; pc < code.instrs.length; step++) {
    const { line: l, instr } = code.instrs[pc]!;
    line = l;
    if (step > STEP_LIMIT) fail("the program loops (only loop-free litmus tests are supported)");
    const next = exec(instr, step);
    pc = next ?? pc + 1;
  }
  const out = new Map<string, Value>();
  for (const [r, x] of regs) out.set(regName(r), x.v);
  return { events, rmw, regs: out };

  /** Runs one instruction; returns the next pc when it branches. */
  function exec(i: Instr, instr: number): number | undefined {
    switch (i.op) {
      case "nop":
        return undefined;
      case "mov":
        return void set(i.rd, operand(i.src));
      case "alu": {
        const a = get(i.rn);
        const b = operand(i.src);
        return void set(i.rd, { v: alu(i.fn, a.v, b.v) ?? fail(`${i.fn.toUpperCase()} of ${a.v} and ${b.v}: arithmetic on addresses is not supported`), t: union(a.t, b.t) });
      }
      case "cmp": {
        const a = get(i.rn);
        const b = operand(i.src);
        flags = { eq: a.v === b.v, t: union(a.t, b.t) };
        return undefined;
      }
      case "load": {
        const a = address(i.addr);
        const r = read(a.loc, instr, a.t, i.acquire ? { acquire: i.acquire } : {});
        if (i.exclusive) reservation = { loc: a.loc, read: r };
        return void set(i.rt, { v: events[r]!.value!, t: [r] });
      }
      case "store": {
        const a = address(i.addr);
        const data = get(i.rt);
        if (i.status !== undefined) {
          // STXR: succeeds only with a reservation on the location (then rmw with its LDXR), may always fail.
          const res = reservation;
          reservation = undefined;
          const ok = res !== undefined && res.loc === a.loc && oracle.pick(2) === 0;
          if (ok) {
            const w = event({ kind: "W", loc: a.loc, value: data.v, addrSrc: a.t, dataSrc: data.t, ...(i.release ? { release: true } : {}) }, instr);
            rmw.push({ read: res.read, write: w, amo: false });
          }
          // The status register carries no dependency (aarch64deps.cat: rf-reg minus lxsx's register writes).
          return void set(i.status, { v: ok ? 0 : 1, t: CLEAN });
        }
        event({ kind: "W", loc: a.loc, value: data.v, addrSrc: a.t, dataSrc: data.t, ...(i.release ? { release: true } : {}) }, instr);
        return undefined;
      }
      case "swp": case "cas": case "ldop": {
        const a = address(i.addr);
        const src = get(i.rs);
        const noRet = i.op === "ldop" && i.rt === "zr";
        const r = read(a.loc, instr, a.t, { ...(i.acquire ? { acquire: "A" as const } : {}), ...(noRet ? { noRet } : {}) });
        const old = events[r]!.value!;
        let value: Value | undefined;
        let data = src.t;
        if (i.op === "swp") value = src.v;
        else if (i.op === "ldop") value = atomicOp(i.fn, old, src.v) ?? fail(`LD${i.fn.toUpperCase()} on an address`);
        else if (old === src.v) (value = get(i.rt).v), (data = get(i.rt).t);
        if (value !== undefined) {
          const w = event({ kind: "W", loc: a.loc, value, addrSrc: a.t, dataSrc: data, ...(i.release ? { release: true } : {}) }, instr);
          rmw.push({ read: r, write: w, amo: true });
        }
        // CAS returns the old value in Rs; SWP and LDADD in Rt.
        return void set(i.op === "cas" ? i.rs : i.rt, { v: old, t: [r] });
      }
      case "dmb": case "dsb":
        return void event({ kind: "F", fence: `${i.op}.${i.kind}`, addrSrc: CLEAN, dataSrc: CLEAN }, instr);
      case "isb":
        return void event({ kind: "F", fence: "isb", addrSrc: CLEAN, dataSrc: CLEAN }, instr);
      case "cbz": case "cbnz": {
        const x = get(i.rt);
        ctrl = union(ctrl, x.t);
        const zero = x.v === 0;
        return zero === (i.op === "cbz") ? code.labels.get(i.label)! : undefined;
      }
      case "b": {
        if (i.cond === "") return code.labels.get(i.label)!;
        if (!flags) return fail(`B.${i.cond.toUpperCase()} without a CMP before it`);
        ctrl = union(ctrl, flags.t);
        return flags.eq === (i.cond === "eq") ? code.labels.get(i.label)! : undefined;
      }
    }
  }
}

/** Integer arithmetic; on an address only what leaves it unchanged (x+0, x-0, x|0) or x^x = 0. */
function alu(fn: "add" | "sub" | "eor" | "and" | "orr", a: Value, b: Value): Value | undefined {
  if (typeof a === "number" && typeof b === "number") {
    const r = fn === "add" ? a + b : fn === "sub" ? a - b : fn === "eor" ? a ^ b : fn === "and" ? a & b : a | b;
    return r;
  }
  if (fn === "eor" && a === b) return 0;
  if ((fn === "add" || fn === "orr" || fn === "sub" || fn === "eor") && b === 0) return a;
  if ((fn === "add" || fn === "orr" || fn === "eor") && a === 0) return b;
  return undefined;
}

/** The operation of LDADD / LDSET / LDCLR / LDEOR (ARM ARM C6.2: Mem = Mem + Xs, Mem | Xs, Mem & ~Xs, Mem ^ Xs). */
function atomicOp(fn: "add" | "set" | "clr" | "eor", old: Value, s: Value): Value | undefined {
  if (fn === "add") return alu("add", old, s);
  if (fn === "eor") return alu("eor", old, s);
  if (typeof old !== "number" || typeof s !== "number") return undefined;
  return fn === "set" ? old | s : old & ~s;
}

/** Every trace of thread `tid`, each read taking each value of its location's domain (depth-first over the choices). */
export function threadTraces(test: LitmusTest, tid: number, domain: ReadonlyMap<string, readonly Value[]>): ThreadTrace[] {
  const traces: ThreadTrace[] = [];
  const prefix: number[] = [];
  for (;;) {
    const arities: number[] = [];
    let depth = 0;
    const oracle: Oracle = {
      pick(n) {
        const c = depth < prefix.length ? prefix[depth]! : 0;
        if (depth >= prefix.length) prefix.push(0);
        arities[depth++] = n;
        return c;
      },
    };
    traces.push(runPath(test, tid, domain, oracle));
    prefix.length = depth;
    // Next choice vector: increment the last position that has alternatives left.
    while (prefix.length > 0 && prefix[prefix.length - 1]! + 1 >= arities[prefix.length - 1]!) prefix.pop();
    if (prefix.length === 0) return traces;
    prefix[prefix.length - 1]!++;
  }
}
