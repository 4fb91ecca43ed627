/**
 * One AArch64 instruction of a litmus program, in herd7's spelling (herdtools7 `lib/AArch64Base.ml`
 * prints them this way). Anything outside the subset is reported, never guessed.
 */
import type { Address, AluFn, BarrierKind, Cond, Instr, Operand, Reg } from "./ast.js";

/** Why an instruction was refused; the caller adds file and line. */
export class InstrError extends Error {}

export function parseReg(tok: string): Reg {
  const t = tok.trim().toUpperCase();
  if (t === "XZR" || t === "WZR") return "zr";
  const m = /^[XW](\d{1,2})$/.exec(t);
  if (!m || Number(m[1]) > 30) throw new InstrError(`"${tok.trim()}" is not a general-purpose register (X0-X30, W0-W30, XZR)`);
  return Number(m[1]);
}

export function parseImm(tok: string): number {
  const t = tok.trim().replace(/^#/, "");
  if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(t)) throw new InstrError(`"${tok.trim()}" is not an immediate (#n)`);
  return Number(t);
}

function parseOperand(tok: string): Operand {
  const t = tok.trim();
  return t.startsWith("#") ? { imm: parseImm(t) } : { reg: parseReg(t) };
}

/** Splits operands at commas outside brackets. */
function operands(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "[") depth++;
    if (ch === "]") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim() !== "") out.push(cur.trim());
  return out;
}

function parseAddress(tok: string | undefined): Address {
  const m = /^\[(.*)\]$/.exec(tok?.trim() ?? "");
  if (!m) throw new InstrError(`expected a memory operand [Xn...], got "${tok ?? ""}"`);
  const parts = m[1]!.split(",").map((p) => p.trim());
  const base = parseReg(parts[0]!);
  if (parts.length === 1) return { base };
  const off = parts[1]!;
  if (parts.length === 2 && off.startsWith("#")) return { base, offsetImm: parseImm(off) };
  // [Xn,Wm,SXTW] / [Xn,Xm] / [Xn,Xm,LSL #0]: the offset register is added (herd's dependency idiom).
  const ext = parts.slice(2).join(",").toUpperCase().replace(/\s+/g, " ");
  if (parts.length > 2 && !/^(SXTW|UXTW|SXTX|UXTX|LSL #0)$/.test(ext))
    throw new InstrError(`unsupported address extension "${parts.slice(2).join(",")}"`);
  return { base, offsetReg: parseReg(off) };
}

/** Drops the extend or zero shift of a last register operand (`ADD X4,X3,W2,SXTW`, `CMP W0,W1,UXTW`). */
function dropExtend(ops: string[], n: number): void {
  if (
    ops.length === n + 1 &&
    !ops[n - 1]!.startsWith("#") &&
    /^(SXTW|UXTW|SXTX|UXTX|LSL #0)$/i.test(ops[n]!.replace(/\s+/g, " "))
  )
    ops.pop();
}

function arity(ops: string[], n: number, mnemonic: string): void {
  if (ops.length !== n) throw new InstrError(`${mnemonic} takes ${n} operand(s), got ${ops.length}`);
}

const BARRIERS: Record<string, BarrierKind> = {
  SY: "full",
  ISH: "full",
  OSH: "full",
  NSH: "full",
  LD: "ld",
  ISHLD: "ld",
  OSHLD: "ld",
  NSHLD: "ld",
  ST: "st",
  ISHST: "st",
  OSHST: "st",
  NSHST: "st",
};

/** The RMW mnemonics: SWP, CAS, LDADD and STADD with their A / L / AL ordering suffixes. */
const RMW = /^(SWP|CAS|LD(ADD|SET|CLR|EOR)|ST(ADD|SET|CLR|EOR))(A|L|AL)?$/;

export function parseInstr(text: string): Instr {
  const m = /^([A-Za-z.]+)\s*(.*)$/.exec(text.trim());
  if (!m) throw new InstrError(`cannot read instruction "${text.trim()}"`);
  const mn = m[1]!.toUpperCase();
  const ops = operands(m[2]!);
  switch (mn) {
    case "NOP":
      return (arity(ops, 0, mn), { op: "nop" });
    case "MOV":
    case "MOVZ":
      return (arity(ops, 2, mn), { op: "mov", rd: parseReg(ops[0]!), src: parseOperand(ops[1]!) });
    case "MVN":
      return (arity(ops, 2, mn), { op: "mvn", rd: parseReg(ops[0]!), src: parseOperand(ops[1]!) });
    case "ADD":
    case "SUB":
    case "EOR":
    case "AND":
    case "ORR":
    case "ADDS":
    case "SUBS":
    case "ANDS":
    case "LSL":
    case "LSR":
    case "ASR": {
      // ADD X4,X3,W2,SXTW (herd's address-dependency idiom): the extend of a register operand is accepted.
      dropExtend(ops, 3);
      arity(ops, 3, mn);
      const fn = mn.replace(/S$/, "").toLowerCase() as AluFn;
      return {
        op: "alu",
        fn,
        rd: parseReg(ops[0]!),
        rn: parseReg(ops[1]!),
        src: parseOperand(ops[2]!),
        setFlags: mn.length === 4 && mn.endsWith("S"),
      };
    }
    case "CMP":
      dropExtend(ops, 2);
      return (arity(ops, 2, mn), { op: "cmp", rn: parseReg(ops[0]!), src: parseOperand(ops[1]!) });
    case "TBZ":
    case "TBNZ":
      arity(ops, 3, mn);
      return { op: mn === "TBZ" ? "tbz" : "tbnz", rt: parseReg(ops[0]!), bit: parseImm(ops[1]!), label: ops[2]! };
    case "LDR":
    case "LDAR":
    case "LDAPR":
    case "LDXR":
    case "LDAXR": {
      arity(ops, 2, mn);
      const acquire = mn === "LDAR" || mn === "LDAXR" ? "A" : mn === "LDAPR" ? "Q" : "";
      return {
        op: "load",
        rt: parseReg(ops[0]!),
        addr: parseAddress(ops[1]),
        acquire,
        exclusive: mn.includes("X"),
        w32: /^W/i.test(ops[0]!),
      };
    }
    case "STR":
    case "STLR":
      arity(ops, 2, mn);
      return { op: "store", rt: parseReg(ops[0]!), addr: parseAddress(ops[1]), release: mn === "STLR" };
    case "STXR":
    case "STLXR":
      arity(ops, 3, mn);
      return {
        op: "store",
        status: parseReg(ops[0]!),
        rt: parseReg(ops[1]!),
        addr: parseAddress(ops[2]),
        release: mn === "STLXR",
      };
    case "DMB":
    case "DSB": {
      arity(ops, 1, mn);
      const kind = BARRIERS[ops[0]!.toUpperCase()];
      if (!kind) throw new InstrError(`unsupported barrier option "${ops[0]}" (SY, ISH, OSH, NSH and their LD / ST forms)`);
      return { op: mn === "DMB" ? "dmb" : "dsb", kind };
    }
    case "ISB":
      return (arity(ops, 0, mn), { op: "isb" });
    case "CBZ":
    case "CBNZ":
      arity(ops, 2, mn);
      return { op: mn === "CBZ" ? "cbz" : "cbnz", rt: parseReg(ops[0]!), label: ops[1]! };
    case "B":
      return (arity(ops, 1, mn), { op: "b", cond: "", label: ops[0]! });
  }
  const bcond = /^B\.(EQ|NE|LT|LE|GT|GE|MI|PL)$/.exec(mn);
  if (bcond) return (arity(ops, 1, mn), { op: "b", cond: bcond[1]!.toLowerCase() as Cond, label: ops[0]! });
  const rmw = RMW.exec(mn);
  if (rmw) {
    const [kind, suffix = ""] = [rmw[1]!, rmw[4]];
    const ord = { acquire: suffix.includes("A"), release: suffix.includes("L") };
    const fn = (rmw[2] ?? rmw[3])?.toLowerCase() as "add" | "set" | "clr" | "eor" | undefined;
    if (kind.startsWith("ST")) {
      // STADD Xs,[Xn] is LDADD Xs,XZR,[Xn]: its read returns nothing (herd's NoRet); no acquire form.
      if (ord.acquire) throw new InstrError(`${mn} is not an instruction`);
      arity(ops, 2, mn);
      return { op: "ldop", fn: fn!, rs: parseReg(ops[0]!), rt: "zr", addr: parseAddress(ops[1]), ...ord };
    }
    arity(ops, 3, mn);
    const [rs, rt, addr] = [parseReg(ops[0]!), parseReg(ops[1]!), parseAddress(ops[2])];
    if (kind === "SWP" || kind === "CAS") return { op: kind === "SWP" ? "swp" : "cas", rs, rt, addr, ...ord };
    return { op: "ldop", fn: fn!, rs, rt, addr, ...ord };
  }
  throw new InstrError(
    `unsupported instruction "${m[1]}" (smpsim litmus takes MOV, MOVZ, MVN, ADD(S), SUB(S), AND(S), EOR, ORR, LSL, LSR, ASR, CMP, LDR, LDAR, LDAPR, LDXR, LDAXR, STR, STLR, STXR, STLXR, SWP, CAS, LDADD/LDSET/LDCLR/LDEOR and their ST forms (with A/L/AL), DMB, DSB, ISB, CBZ, CBNZ, TBZ, TBNZ, B, B.cond (EQ NE LT LE GT GE MI PL), NOP)`,
  );
}
