/**
 * Reads a litmus file in herd7's AArch64 format: the `AArch64 NAME` line, optional comment lines, the
 * initial state `{ ... }`, the program table (`P0 | P1 ;` then one row per instruction), an optional
 * `locations [...]` line and the final condition. Errors name the file and line.
 */
import type { LitmusTest, Located, Instr, Observable, Reg, ThreadCode, Value } from "./ast.js";
import { LitmusError } from "./errors.js";
import { ConditionError, parseCondition } from "./parse-condition.js";
import { InstrError, parseInstr, parseReg } from "./parse-instr.js";

/** Blanks out `(* ... *)` comments, keeping newlines so line numbers stay right. */
function stripComments(text: string): string {
  return text.replace(/\(\*[\s\S]*?\*\)/g, (c) => c.replace(/[^\n]/g, " "));
}

const VALUE = /^(-?\d+|0x[0-9a-f]+|[A-Za-z_]\w*)$/i;
const TYPES = /^(int|long|char|short|u?int(8|16|32|64)_t|uint|int128_t|pteval_t)\s+/;

function parseValue(tok: string): Value {
  return /^-?(\d+|0x[0-9a-f]+)$/i.test(tok) ? Number(tok) : tok;
}

export function parseLitmus(source: string, file: string): LitmusTest {
  const lines = stripComments(source).split("\n");
  const fail = (line: number, why: string): never => {
    throw new LitmusError(file, line, why);
  };
  let n = 0; // index into lines
  const skipBlank = () => {
    while (n < lines.length && lines[n]!.trim() === "") n++;
  };
  skipBlank();
  const head = /^(\S+)\s+(\S+)/.exec(lines[n]?.trim() ?? "");
  if (!head) return fail(n + 1, "expected the test's first line: AArch64 NAME");
  if (head[1] !== "AArch64") fail(n + 1, `only AArch64 litmus tests are supported, this one is for "${head[1]}"`);
  const name = head[2]!;
  n++;
  // Herd's optional lines before the initial state ("comment", Hash=..., Com=..., Orig=...).
  while (n < lines.length && !lines[n]!.includes("{")) n++;
  if (n >= lines.length) fail(n, "no initial state { ... }");

  // Initial state: from the { to the matching }.
  const initStart = n;
  let initText = lines[n]!.slice(lines[n]!.indexOf("{") + 1);
  while (!initText.includes("}")) {
    n++;
    if (n >= lines.length) fail(initStart + 1, "the initial state { ... } is not closed");
    initText += "\n" + lines[n]!;
  }
  const afterInit = initText.slice(initText.indexOf("}") + 1).trim();
  if (afterInit !== "") fail(n + 1, `unexpected "${afterInit}" after the initial state`);
  initText = initText.slice(0, initText.indexOf("}"));
  n++;
  const regInit = new Map<number, Map<Reg, Value>>();
  const memInit = new Map<string, Value>();
  let lineOf = initStart;
  for (const chunk of initText.split(";")) {
    const entryLine = lineOf + 1;
    lineOf += (chunk.match(/\n/g) ?? []).length;
    const e = chunk
      .trim()
      .replace(TYPES, "")
      .replace(/\s*([:=])\s*/g, "$1")
      .replace(/\s+/g, " ");
    if (e === "") continue;
    const m = /^(?:(\d+):([A-Za-z]\w*)|\[?([A-Za-z_]\w*)\]?)\s*(?:=\s*(.+))?$/.exec(e);
    if (!m || (m[4] !== undefined && !VALUE.test(m[4].trim())))
      fail(entryLine, `cannot read initial-state entry "${e}" (expected P:Xn=v, x=v or a type and a location)`);
    const v = m![4] === undefined ? 0 : parseValue(m![4].trim());
    if (m![1] !== undefined) {
      let reg: Reg;
      try {
        reg = parseReg(m![2]!);
      } catch (err) {
        return fail(entryLine, (err as Error).message);
      }
      const t = Number(m![1]);
      if (!regInit.has(t)) regInit.set(t, new Map());
      regInit.get(t)!.set(reg, v);
    } else memInit.set(m![3]!, v);
  }

  // The program: a header row P0 | P1 | ... ; then rows of cells.
  skipBlank();
  const headerLine = n + 1;
  const header = (lines[n] ?? "")
    .trim()
    .replace(/;$/, "")
    .split("|")
    .map((c) => c.trim());
  header.forEach((h, i) => {
    if (h !== `P${i}`) fail(headerLine, `expected the program header P0 | P1 | ... ;, got "${lines[headerLine - 1]?.trim()}"`);
  });
  n++;
  const threads: ThreadCode[] = header.map(() => ({ instrs: [], labels: new Map() }));
  const isTail = (l: string) => /^(~\s*exists|exists|forall|locations|filter)\b/.test(l.trim());
  for (; n < lines.length && !isTail(lines[n]!); n++) {
    const row = lines[n]!.trim();
    if (row === "") continue;
    if (!row.endsWith(";")) fail(n + 1, `a program row ends with ";": "${row}"`);
    const cells = row.slice(0, -1).split("|");
    if (cells.length > threads.length) fail(n + 1, `${cells.length} columns but ${threads.length} threads`);
    cells.forEach((raw, t) => {
      let cell = raw.trim();
      const label = /^([A-Za-z_]\w*):\s*(.*)$/.exec(cell);
      const code = threads[t]!;
      if (label) {
        if (code.labels.has(label[1]!)) fail(n + 1, `label ${label[1]} defined twice in P${t}`);
        code.labels.set(label[1]!, code.instrs.length);
        cell = label[2]!.trim();
      }
      if (cell === "") return;
      try {
        code.instrs.push({ line: n + 1, instr: parseInstr(cell) } satisfies Located<Instr>);
      } catch (err) {
        if (err instanceof InstrError) fail(n + 1, `P${t}: ${err.message}`);
        throw err;
      }
    });
  }
  threads.forEach((code, t) => {
    for (const { line, instr } of code.instrs) {
      if ("label" in instr && !code.labels.has(instr.label)) fail(line, `P${t}: no label "${instr.label}"`);
    }
  });

  // Tail: optional locations [...] and the condition.
  skipBlank();
  const locations: Observable[] = [];
  if (n < lines.length && /^locations\b/.test(lines[n]!.trim())) {
    const m = /^locations\s*\[(.*)\]\s*;?\s*$/.exec(lines[n]!.trim());
    if (!m) fail(n + 1, "expected locations [a; 0:X1; ...]");
    for (const item of m![1]!
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean)) {
      const r = /^(\d+):(\w+)$/.exec(item);
      try {
        locations.push(r ? { thread: Number(r[1]), reg: parseReg(r[2]!) } : { loc: item.replace(/^\[|\]$/g, "") });
      } catch (err) {
        fail(n + 1, (err as Error).message);
      }
    }
    n++;
    skipBlank();
  }
  if (n >= lines.length) fail(lines.length, "no final condition (exists, ~exists or forall)");
  let cond;
  try {
    cond = parseCondition(lines.slice(n).join("\n"), n + 1);
  } catch (err) {
    if (err instanceof ConditionError) fail(err.line, err.message);
    throw err;
  }
  const test: LitmusTest = {
    name,
    file,
    regInit,
    memInit,
    threads,
    locations,
    quantifier: cond.quantifier,
    condition: cond.prop,
    conditionText: cond.text,
  };
  checkThreadsAndLocations(test, fail);
  return test;
}

/** Every thread the condition or initial state names exists; every location mentioned starts at 0 unless set. */
function checkThreadsAndLocations(t: LitmusTest, fail: (line: number, why: string) => never): void {
  for (const p of t.regInit.keys())
    if (p >= t.threads.length) fail(1, `the initial state sets registers of P${p}, which the program does not have`);
  const locs = new Set<string>();
  const addVal = (v: Value) => typeof v === "string" && locs.add(v);
  for (const regs of t.regInit.values()) for (const v of regs.values()) addVal(v);
  for (const v of t.memInit.values()) addVal(v);
  const visit = (p: LitmusTest["condition"]): void => {
    if (p.k === "eq") {
      if ("loc" in p.what) locs.add(p.what.loc);
      else if (p.what.thread >= t.threads.length)
        fail(1, `the condition names P${p.what.thread}, which the program does not have`);
    } else if (p.k === "not") visit(p.a);
    else if (p.k !== "const") {
      visit(p.a);
      visit(p.b);
    }
  };
  visit(t.condition);
  for (const o of t.locations) if ("loc" in o) locs.add(o.loc);
  for (const l of [...locs].sort()) if (!t.memInit.has(l)) t.memInit.set(l, 0);
}
