/**
 * Runs one thread of a litmus test to every trace it can have, given the values each location may
 * hold: each read is a choice among those values, each store-exclusive may succeed or fail. Registers
 * carry, beside their value, the reads their value came from, which gives herd7's addr / data / ctrl
 * dependencies (aarch64deps.cat: register dataflow, and a branch orders everything after it).
 */
import { regName, type Address, type AluFn, type Cond, type Instr, type LitmusTest, type Reg, type Value } from "./ast.js";
import { LitmusError } from "./errors.js";
import type { RmwPair, ThreadTrace, TraceEvent } from "../memory/execution.js";

/**
 * The reads a value came from: `t` through data flow (herd's dtrm), `p` also through the ordering
 * inside an instruction (pick-dtrm: a SWP's or CAS's result register is ordered after its Rs input).
 */
interface Dep {
  t: readonly number[];
  p: readonly number[];
}

interface Tainted extends Dep {
  v: Value;
}

const NONE: readonly number[] = [];
const CLEAN: Dep = { t: NONE, p: NONE };

function union(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

function join(a: Dep, b: Dep): Dep {
  return a === CLEAN ? b : b === CLEAN ? a : { t: union(a.t, b.t), p: union(a.p, b.p) };
}

/** The dependency fields of an event: plain and pick sources of its address, data and control. */
function deps(
  addr: Dep,
  data: Dep,
  ctrl: Dep,
): Pick<TraceEvent, "addrSrc" | "dataSrc" | "ctrlSrc" | "pickAddrSrc" | "pickDataSrc" | "pickCtrlSrc"> {
  return { addrSrc: addr.t, dataSrc: data.t, ctrlSrc: ctrl.t, pickAddrSrc: addr.p, pickDataSrc: data.p, pickCtrlSrc: ctrl.p };
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
  for (const [r, v] of test.regInit.get(tid) ?? []) regs.set(r, { v, ...CLEAN });
  const events: TraceEvent[] = [];
  const rmw: RmwPair[] = [];
  let ctrl: Dep = CLEAN;
  let flags: { a: Value; b: Value; d: Dep } | undefined;
  let reservation: { loc: string; read: number } | undefined;
  let line = 0;
  const fail = (why: string): never => {
    throw new LitmusError(test.file, line, `P${tid}: ${why}`);
  };
  const get = (r: Reg): Tainted => (r === "zr" ? { v: 0, ...CLEAN } : (regs.get(r) ?? { v: 0, ...CLEAN }));
  const set = (r: Reg, x: Tainted) => r !== "zr" && regs.set(r, x);
  const operand = (o: { reg: Reg } | { imm: Value }): Tainted => ("reg" in o ? get(o.reg) : { v: o.imm, ...CLEAN });
  const address = (a: Address): { loc: string; d: Dep } => {
    const base = get(a.base);
    const off = a.offsetReg !== undefined ? get(a.offsetReg) : { v: a.offsetImm ?? 0, ...CLEAN };
    if (typeof base.v !== "string") fail(`address register ${regName(a.base)} holds ${base.v}, not a location`);
    if (off.v !== 0) fail(`address offset ${off.v} from ${base.v}: only offset 0 (the dependency idiom) is supported`);
    return { loc: base.v as string, d: join(base, off) };
  };
  const event = (
    e: Pick<TraceEvent, "kind" | "loc" | "value" | "fence">,
    instr: number,
    addr: Dep,
    data: Dep,
    extra: Partial<TraceEvent> = {},
  ): number => {
    events.push({ ...e, instr, ...deps(addr, data, ctrl), ...extra });
    return events.length - 1;
  };
  const read = (loc: string, instr: number, addr: Dep, extra: Partial<TraceEvent>): number => {
    const values = domain.get(loc) ?? fail(`location ${loc} is not in the test`);
    const v = values[oracle.pick(values.length)]!;
    return event({ kind: "R", loc, value: v }, instr, addr, CLEAN, extra);
  };
  const fence = (f: NonNullable<TraceEvent["fence"]>, instr: number) => void event({ kind: "F", fence: f }, instr, CLEAN, CLEAN);
  const release = (yes: boolean): Partial<TraceEvent> => (yes ? { release: true } : {});
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
        const r = {
          v: alu(i.fn, a.v, b.v) ?? fail(`${i.fn.toUpperCase()} of ${a.v} and ${b.v}: arithmetic on addresses is not supported`),
          ...join(a, b),
        };
        // SUBS compares its operands; ADDS and ANDS compare the result with 0 (N and Z; no overflow modelled).
        if (i.setFlags) flags = i.fn === "sub" ? { a: a.v, b: b.v, d: r } : { a: r.v, b: 0, d: r };
        return void set(i.rd, r);
      }
      case "mvn": {
        const a = operand(i.src);
        return void set(i.rd, { ...a, v: typeof a.v === "number" ? ~a.v : fail(`MVN of the address ${a.v}`) });
      }
      case "cmp": {
        const a = get(i.rn);
        const b = operand(i.src);
        flags = { a: a.v, b: b.v, d: join(a, b) };
        return undefined;
      }
      case "load": {
        const a = address(i.addr);
        const r = read(a.loc, instr, a.d, i.acquire ? { acquire: i.acquire } : {});
        if (i.exclusive) reservation = { loc: a.loc, read: r };
        const v = events[r]!.value!;
        return void set(i.rt, { v: i.w32 && typeof v === "number" ? v % 2 ** 32 : v, t: [r], p: [r] });
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
            const w = event({ kind: "W", loc: a.loc, value: data.v }, instr, a.d, data, release(i.release));
            rmw.push({ read: res.read, write: w, amo: false });
          }
          // The status register carries no dependency (aarch64deps.cat: rf-reg minus lxsx's register writes).
          return void set(i.status, { v: ok ? 0 : 1, ...CLEAN });
        }
        event({ kind: "W", loc: a.loc, value: data.v }, instr, a.d, data, release(i.release));
        return undefined;
      }
      case "swp":
      case "cas":
      case "ldop": {
        const a = address(i.addr);
        const src = get(i.rs);
        const noRet = i.op === "ldop" && i.rt === "zr";
        const r = read(a.loc, instr, a.d, { ...(i.acquire ? { acquire: "A" as const } : {}), ...(noRet ? { noRet } : {}) });
        const old = events[r]!.value!;
        const mem: Dep = { t: [r], p: [r] };
        // herd7 event.ml swp_or_amo / aarch64_cas_ok / aarch64_cas_no: what flows where inside the instruction.
        let value: Value | undefined;
        let data: Dep = src;
        let out: Dep = { t: [r], p: union([r], src.p) }; // Rt after Rs: iico_order, a pick dependency only
        if (i.op === "swp") value = src.v;
        else if (i.op === "ldop") value = atomicOp(i.fn, old, src.v) ?? fail(`LD${i.fn.toUpperCase()} on an address`);
        else if (old === src.v) {
          // A successful CAS: the write's value is Rt's (data) and is controlled by Rs and the read (pick);
          // the old value returned in Rs is Rs's own by data (Ds1), the read's by control (C2).
          value = get(i.rt).v;
          data = { t: get(i.rt).t, p: union(union(get(i.rt).p, src.p), mem.p) };
          out = { t: src.t, p: union(src.p, [r]) };
        }
        if (value !== undefined) {
          const w = event({ kind: "W", loc: a.loc, value }, instr, a.d, data, release(i.release));
          rmw.push({ read: r, write: w, amo: true });
        }
        // CAS returns the old value in Rs; SWP and LDADD in Rt.
        return void set(i.op === "cas" ? i.rs : i.rt, { v: old, ...out });
      }
      case "dmb":
      case "dsb":
        fence(`${i.op}.${i.kind}`, instr);
        return undefined;
      case "isb":
        fence("isb", instr);
        return undefined;
      case "cbz":
      case "cbnz": {
        const x = get(i.rt);
        ctrl = join(ctrl, x);
        const zero = x.v === 0;
        return zero === (i.op === "cbz") ? code.labels.get(i.label)! : undefined;
      }
      case "tbz":
      case "tbnz": {
        const x = get(i.rt);
        ctrl = join(ctrl, x);
        if (typeof x.v !== "number") return fail(`${i.op.toUpperCase()} on the address ${x.v}`);
        const set0 = Math.floor(x.v / 2 ** i.bit) % 2 !== 0;
        return set0 === (i.op === "tbnz") ? code.labels.get(i.label)! : undefined;
      }
      case "b": {
        if (i.cond === "") return code.labels.get(i.label)!;
        if (!flags) return fail(`B.${i.cond.toUpperCase()} without a flag-setting instruction before it`);
        ctrl = join(ctrl, flags.d);
        return (condHolds(i.cond, flags.a, flags.b) ?? fail(`B.${i.cond.toUpperCase()} orders an address`))
          ? code.labels.get(i.label)!
          : undefined;
      }
    }
  }
}

/** Whether a B.cond is taken after comparing a with b (CMP a,b); undefined when an address is ordered. */
function condHolds(c: Cond, a: Value, b: Value): boolean | undefined {
  if (c === "eq") return a === b;
  if (c === "ne") return a !== b;
  if (typeof a !== "number" || typeof b !== "number") return undefined;
  const d = a - b;
  return c === "lt" || c === "mi" ? d < 0 : c === "le" ? d <= 0 : c === "gt" ? d > 0 : d >= 0;
}

/** Integer arithmetic; on an address only what leaves it unchanged (x+0, x-0, x|0) or x^x = 0. */
function alu(fn: AluFn, a: Value, b: Value): Value | undefined {
  if (typeof a === "number" && typeof b === "number") {
    switch (fn) {
      case "add":
        return a + b;
      case "sub":
        return a - b;
      case "eor":
        return a ^ b;
      case "and":
        return a & b;
      case "orr":
        return a | b;
      case "lsl":
        return a * 2 ** b;
      case "lsr":
        return Math.floor(a / 2 ** b);
      case "asr":
        return a >> b;
    }
  }
  if (fn === "eor" && a === b) return 0;
  if ((fn === "add" || fn === "orr" || fn === "sub" || fn === "eor" || fn === "lsl" || fn === "lsr" || fn === "asr") && b === 0)
    return a;
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
