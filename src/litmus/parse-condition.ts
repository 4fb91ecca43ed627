/**
 * The final condition of a litmus test: `exists`, `~exists` or `forall` over a proposition of
 * `P:Xn=v`, `x=v` and `[x]=v` atoms joined by `/\`, `\/`, `=>`, `~` and parentheses (herd7's syntax).
 */
import type { Observable, Prop, Quantifier, Value } from "./ast.js";
import { InstrError, parseReg } from "./parse-instr.js";

interface Token {
  text: string;
  line: number;
}

const TOKEN = /\s*(\/\\|\\\/|=>|~|\(|\)|\[|\]|=|:|0x[0-9a-fA-F]+|-?\d+|[A-Za-z_][A-Za-z0-9_.]*|\S)/y;

function tokenize(text: string, firstLine: number): Token[] {
  const out: Token[] = [];
  let line = firstLine;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    line += (m[0].match(/\n/g) ?? []).length;
    out.push({ text: m[1]!, line });
  }
  return out;
}

/** A problem at a line of the condition. */
export class ConditionError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseCondition(text: string, firstLine: number): { quantifier: Quantifier; prop: Prop; text: string } {
  const toks = tokenize(text, firstLine);
  let i = 0;
  const lastLine = toks.at(-1)?.line ?? firstLine;
  const peek = (): string | undefined => toks[i]?.text;
  const fail = (why: string): never => {
    throw new ConditionError(toks[i]?.line ?? lastLine, why);
  };
  const expect = (t: string): void => {
    if (peek() !== t) fail(`expected "${t}" in the condition, got ${peek() === undefined ? "the end" : `"${peek()}"`}`);
    i++;
  };
  let quantifier: Quantifier;
  if (peek() === "~" && toks[i + 1]?.text === "exists") {
    quantifier = "~exists";
    i += 2;
  } else if (peek() === "exists" || peek() === "forall") {
    quantifier = peek() as Quantifier;
    i++;
  } else return fail(`expected exists, ~exists or forall, got "${peek() ?? ""}" (filter and other conditions are not supported)`);

  const value = (): Value => {
    const t = peek() ?? fail("expected a value");
    i++;
    if (/^-?(\d+|0x[0-9a-f]+)$/i.test(t)) return Number(t);
    if (/^[A-Za-z_]\w*$/.test(t)) return t;
    return fail(`"${t}" is not a value`);
  };
  const atom = (): Prop => {
    let what: Observable;
    const t = peek() ?? fail("expected an atom");
    if (t === "[") {
      i++;
      what = { loc: peek() ?? fail("expected a location") };
      i++;
      expect("]");
    } else if (/^\d+$/.test(t) && toks[i + 1]?.text === ":") {
      i += 2;
      const r = peek() ?? fail("expected a register");
      i++;
      try {
        what = { thread: Number(t), reg: parseReg(r) };
      } catch (e) {
        return fail((e as InstrError).message);
      }
    } else if (/^[A-Za-z_]\w*$/.test(t)) {
      i++;
      what = { loc: t };
    } else return fail(`unexpected "${t}" in the condition`);
    expect("=");
    return { k: "eq", what, value: value() };
  };
  const unary = (): Prop => {
    const t = peek();
    if (t === "~" || t === "not") return (i++, { k: "not", a: unary() });
    if (t === "(") {
      i++;
      const p = implies();
      expect(")");
      return p;
    }
    if (t === "true" || t === "false") return (i++, { k: "const", value: t === "true" });
    return atom();
  };
  const conj = (): Prop => {
    let p = unary();
    while (peek() === "/\\") {
      i++;
      p = { k: "and", a: p, b: unary() };
    }
    return p;
  };
  const disj = (): Prop => {
    let p = conj();
    while (peek() === "\\/") {
      i++;
      p = { k: "or", a: p, b: conj() };
    }
    return p;
  };
  const implies = (): Prop => {
    const p = disj();
    if (peek() === "=>") return (i++, { k: "implies", a: p, b: implies() });
    return p;
  };
  const prop = implies();
  if (i < toks.length) fail(`unexpected "${peek()}" after the condition`);
  return { quantifier, prop, text: text.trim().replace(/\s+/g, " ") };
}
