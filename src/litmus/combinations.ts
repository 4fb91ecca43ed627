/**
 * The combinations of thread traces worth completing into executions: every read's value must be
 * the initial one or written by some trace of the combination, otherwise no rf exists. A depth-first
 * search over the threads prunes a partial combination as soon as some read's value can be written
 * neither by the traces chosen so far nor by any trace of the threads still to choose.
 */
import type { LitmusTest } from "./ast.js";
import type { ThreadTrace } from "../memory/execution.js";

const key = (loc: string | undefined, v: unknown) => `${loc}=${String(v)}`;

export function* viableCombinations(test: LitmusTest, perThread: readonly ThreadTrace[][]): Generator<ThreadTrace[]> {
  const n = perThread.length;
  const writes = perThread.map((trs) => trs.map((tr) => tr.events.filter((e) => e.kind === "W").map((e) => key(e.loc, e.value))));
  const reads = perThread.map((trs) => trs.map((tr) => tr.events.filter((e) => e.kind === "R").map((e) => key(e.loc, e.value))));
  const init = new Set([...test.memInit].map(([l, v]) => key(l, v)));
  // What threads i.. could still write, whichever traces they take.
  const later: Set<string>[] = Array.from({ length: n + 1 }, () => new Set<string>());
  for (let i = n - 1; i >= 0; i--) {
    later[i] = new Set(later[i + 1]);
    for (const ws of writes[i]!) for (const w of ws) later[i]!.add(w);
  }
  const chosen: number[] = [];
  const offered = new Map<string, number>(); // value written by a chosen trace → how many
  function* go(i: number, pending: readonly string[]): Generator<ThreadTrace[]> {
    if (i === n) {
      if (pending.length === 0) yield chosen.map((c, t) => perThread[t]![c]!);
      return;
    }
    for (let c = 0; c < perThread[i]!.length; c++) {
      for (const w of writes[i]![c]!) offered.set(w, (offered.get(w) ?? 0) + 1);
      const open = [...pending, ...reads[i]![c]!].filter((r) => !init.has(r) && !offered.has(r));
      if (open.every((r) => later[i + 1]!.has(r))) {
        chosen.push(c);
        yield* go(i + 1, open);
        chosen.pop();
      }
      for (const w of writes[i]![c]!) {
        const k = offered.get(w)! - 1;
        if (k === 0) offered.delete(w);
        else offered.set(w, k);
      }
    }
  }
  yield* go(0, []);
}
