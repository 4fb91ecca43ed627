/**
 * A litmus test in herd7's AArch64 syntax, parsed (herdtools7 `litmus/` and `herd/` read the same
 * format; see herdtools7 `doc/` "litmus tests"). Only the subset `smpsim litmus` runs is representable.
 */

/** A value: an integer, or the address of a shared location (herd's symbolic addresses). */
export type Value = number | string;

/** A general-purpose register, normalised: W5 and X5 are both register 5; XZR/WZR is "zr". */
export type Reg = number | "zr";

/** A memory operand: [Xn], [Xn,#imm], [Xn,Xm] or [Xn,Wm,SXTW]. */
export interface Address {
  base: Reg;
  offsetReg?: Reg;
  offsetImm?: number;
}

/** A register or an immediate source operand. */
export type Operand = { reg: Reg } | { imm: Value };

/** DMB/DSB domain and type, as herd7's aarch64fences.cat groups them. */
export type BarrierKind = "full" | "ld" | "st";

export type AluFn = "add" | "sub" | "eor" | "and" | "orr" | "lsl" | "lsr" | "asr";

/** Branch conditions on signed comparisons (the unsigned ones are not taken). */
export type Cond = "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "mi" | "pl";

export type Instr =
  | { op: "mov"; rd: Reg; src: Operand }
  | { op: "alu"; fn: AluFn; rd: Reg; rn: Reg; src: Operand; setFlags: boolean }
  | { op: "mvn"; rd: Reg; src: Operand }
  | { op: "cmp"; rn: Reg; src: Operand }
  /** `w32`: the destination is a W register (the loaded value's low 32 bits, zero-extended). */
  | { op: "load"; rt: Reg; addr: Address; acquire: "" | "A" | "Q"; exclusive: boolean; w32: boolean }
  | { op: "store"; rt: Reg; addr: Address; release: boolean; status?: Reg }
  | { op: "swp"; rs: Reg; rt: Reg; addr: Address; acquire: boolean; release: boolean }
  | { op: "cas"; rs: Reg; rt: Reg; addr: Address; acquire: boolean; release: boolean }
  | { op: "ldop"; fn: "add" | "set" | "clr" | "eor"; rs: Reg; rt: Reg; addr: Address; acquire: boolean; release: boolean }
  | { op: "dmb" | "dsb"; kind: BarrierKind }
  | { op: "isb" }
  | { op: "cbz" | "cbnz"; rt: Reg; label: string }
  | { op: "tbz" | "tbnz"; rt: Reg; bit: number; label: string }
  | { op: "b"; cond: "" | Cond; label: string }
  | { op: "nop" };

/** An instruction with the source line it came from (errors and loops name it). */
export interface Located<T> {
  line: number;
  instr: T;
}

export interface ThreadCode {
  instrs: Located<Instr>[];
  labels: Map<string, number>;
}

/** Something the final condition can look at: a thread's register or a location's final value. */
export type Observable = { thread: number; reg: Reg } | { loc: string };

export type Prop =
  | { k: "eq"; what: Observable; value: Value }
  | { k: "and" | "or"; a: Prop; b: Prop }
  | { k: "implies"; a: Prop; b: Prop }
  | { k: "not"; a: Prop }
  | { k: "const"; value: boolean };

export type Quantifier = "exists" | "~exists" | "forall";

export interface LitmusTest {
  name: string;
  file: string;
  /** Initial register values: thread → register → value (registers not listed hold 0). */
  regInit: Map<number, Map<Reg, Value>>;
  /** Initial memory: location → value; every location named anywhere in the test is listed. */
  memInit: Map<string, Value>;
  threads: ThreadCode[];
  /** Extra observables from a `locations [...]` line, shown in the final states. */
  locations: Observable[];
  quantifier: Quantifier;
  condition: Prop;
  /** The condition as written (herd prints it back). */
  conditionText: string;
}

export function regName(r: Reg): string {
  return r === "zr" ? "XZR" : `X${r}`;
}

export function observableName(o: Observable): string {
  return "loc" in o ? `[${o.loc}]` : `${o.thread}:${regName(o.reg)}`;
}
