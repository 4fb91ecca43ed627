/**
 * Decides a litmus test under ARMv8: every combination of thread traces, every rf (each read from a
 * write of the same location and value) and every coherence order, kept when `consistent` says the
 * model allows it; the final states of those executions are the test's outcomes (as herd7 does).
 */
import { observableName, regName, type LitmusTest, type Observable, type Prop, type Value } from "./ast.js";
import { threadTraces } from "./thread-exec.js";
import { consistent, prepare } from "../memory/armv8.js";
import { eventTable, type EventTable } from "../memory/execution.js";
import { permutations, product } from "./combinatorics.js";
import { viableCombinations } from "./combinations.js";

export interface FinalState {
  /** Observable name → value, in the order of `LitmusResult.observables`. */
  values: Value[];
  /** How many allowed executions end in it. */
  executions: number;
  satisfies: boolean;
}

export interface LitmusResult {
  name: string;
  file: string;
  observables: string[];
  states: FinalState[];
  positive: number;
  negative: number;
  /** herd7's Ok / No: whether the quantified condition holds. */
  ok: boolean;
  observation: "Sometimes" | "Never" | "Always";
  /** Whether the condition's outcome is reachable under ARMv8. */
  verdict: "Allowed" | "Forbidden";
  candidates: number;
}

/** The values each location can hold: a fixpoint from the initial ones through every thread's writes. */
function valueDomain(test: LitmusTest): Map<string, Value[]> {
  const domain = new Map<string, Value[]>([...test.memInit].map(([l, v]) => [l, [v]]));
  // A value in an allowed execution is computed through at most one write per store instruction.
  const rounds =
    1 + test.threads.reduce((n, t) => n + t.instrs.filter((i) => ["store", "swp", "cas", "ldop"].includes(i.instr.op)).length, 0);
  for (let round = 0; round < rounds; round++) {
    let grew = false;
    for (let t = 0; t < test.threads.length; t++) {
      for (const tr of threadTraces(test, t, domain)) {
        for (const e of tr.events) {
          if (e.kind !== "W") continue;
          const vs = domain.get(e.loc!)!;
          if (!vs.includes(e.value!)) {
            vs.push(e.value!);
            grew = true;
          }
        }
      }
    }
    if (!grew) break;
  }
  for (const vs of domain.values()) vs.sort((a, b) => String(a).localeCompare(String(b)));
  return domain;
}

function observablesOf(test: LitmusTest): Observable[] {
  const seen = new Map<string, Observable>();
  const visit = (p: Prop): void => {
    if (p.k === "eq") seen.set(observableName(p.what), p.what);
    else if (p.k === "not") visit(p.a);
    else if (p.k !== "const") {
      visit(p.a);
      visit(p.b);
    }
  };
  for (const o of test.locations) seen.set(observableName(o), o);
  visit(test.condition);
  // Registers by thread and number first, then locations by name (herd7's order).
  const key = (o: Observable) =>
    "loc" in o ? `1 ${o.loc}` : `0 ${String(o.thread).padStart(4, "0")} ${String(o.reg === "zr" ? 99 : o.reg).padStart(2, "0")}`;
  return [...seen.values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

export function runLitmus(test: LitmusTest): LitmusResult {
  const domain = valueDomain(test);
  const perThread = test.threads.map((_, t) => threadTraces(test, t, domain));
  const observables = observablesOf(test);
  const states = new Map<string, FinalState>();
  let positive = 0;
  let negative = 0;
  let candidates = 0;
  for (const traces of viableCombinations(test, perThread)) {
    const table = eventTable(test.memInit, traces);
    const prepared = prepare(table, traces);
    forEachCandidate(table, (rf, coRank, last) => {
      candidates++;
      if (!consistent(prepared, rf, coRank)) return;
      const value = (o: Observable): Value => {
        if ("loc" in o) return table.events[last.get(o.loc)!]!.value!;
        return traces[o.thread]!.regs.get(regName(o.reg)) ?? test.regInit.get(o.thread)?.get(o.reg) ?? 0;
      };
      const holds = evaluate(test.condition, value);
      if (holds) positive++;
      else negative++;
      const values = observables.map(value);
      const key = values.map(String).join(";");
      const s = states.get(key);
      if (s) s.executions++;
      else states.set(key, { values, executions: 1, satisfies: holds });
    });
  }
  const observation = positive === 0 ? "Never" : negative === 0 ? "Always" : "Sometimes";
  const ok = test.quantifier === "exists" ? positive > 0 : test.quantifier === "~exists" ? positive === 0 : negative === 0;
  const sorted = [...states.values()].sort((a, b) => compareValues(a.values, b.values));
  return {
    name: test.name,
    file: test.file,
    observables: observables.map(observableName),
    states: sorted,
    positive,
    negative,
    ok,
    observation,
    verdict: positive > 0 ? "Allowed" : "Forbidden",
    candidates,
  };
}

function compareValues(a: Value[], b: Value[]): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i]!, b[i]!];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

function evaluate(p: Prop, value: (o: Observable) => Value): boolean {
  switch (p.k) {
    case "eq":
      return value(p.what) === p.value;
    case "and":
      return evaluate(p.a, value) && evaluate(p.b, value);
    case "or":
      return evaluate(p.a, value) || evaluate(p.b, value);
    case "implies":
      return !evaluate(p.a, value) || evaluate(p.b, value);
    case "not":
      return !evaluate(p.a, value);
    case "const":
      return p.value;
  }
}

/**
 * Every rf (each read paired with a write of its location and value) and every coherence order (per
 * location, the initial write first and then each permutation of the others) of one event table.
 */
function forEachCandidate(
  table: EventTable,
  visit: (rf: Int32Array, coRank: Int32Array, last: Map<string, number>) => void,
): void {
  const { events } = table;
  const n = events.length;
  const writesTo = new Map<string, number[]>();
  events.forEach((e, i) => {
    if (e.kind === "W" && table.thread[i]! >= 0) (writesTo.get(e.loc!) ?? writesTo.set(e.loc!, []).get(e.loc!)!).push(i);
  });
  const reads: number[] = [];
  const sources: number[][] = [];
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    if (e.kind !== "R") continue;
    const init = table.initWrite.get(e.loc!)!;
    const srcs = [init, ...(writesTo.get(e.loc!) ?? [])].filter((w) => events[w]!.value === e.value);
    if (srcs.length === 0) return; // this trace combination reads a value nobody writes
    reads.push(i);
    sources.push(srcs);
  }
  const locs = [...writesTo.keys()];
  const orders = locs.map((l) => [...permutations(writesTo.get(l)!)]);
  const rf = new Int32Array(n).fill(-1);
  const coRank = new Int32Array(n);
  const last = new Map<string, number>(table.initWrite);
  for (const choice of product(sources)) {
    choice.forEach((w, k) => (rf[reads[k]!] = w));
    for (const co of product(orders)) {
      co.forEach((order, li) => {
        order.forEach((w, rank) => (coRank[w] = rank + 1));
        last.set(locs[li]!, order[order.length - 1]!);
      });
      visit(rf, coRank, last);
    }
  }
}
