/**
 * Properties of the ARMv8 checker on random loop-free programs of loads and stores: every sequentially
 * consistent outcome is allowed by ARMv8 (the model only ever adds behaviours), and with DMB SY between
 * every two accesses ARMv8 allows exactly the SC outcomes (a full barrier restores SC; ARM ARM B2.3,
 * Pulte et al. POPL 2018 §3).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLitmus } from "../../src/litmus/parse.js";
import { runLitmus } from "../../src/litmus/run-test.js";

type Op = { st: "x" | "y"; v: number } | { ld: "x" | "y" };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ st: fc.constantFrom("x" as const, "y" as const), v: fc.integer({ min: 1, max: 2 }) }),
  fc.record({ ld: fc.constantFrom("x" as const, "y" as const) }),
);
const program = fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 3 });

/** Load k of thread t writes register X(10 + k). */
function render(threads: Op[][], fenced: boolean): string {
  const cols = threads.map((ops) => {
    const lines: string[] = [];
    let k = 0;
    ops.forEach((o, i) => {
      if (fenced && i > 0) lines.push("DMB SY");
      const a = "ld" in o ? (o.ld === "x" ? "X1" : "X2") : o.st === "x" ? "X1" : "X2";
      if ("ld" in o) lines.push(`LDR W${10 + k++},[${a}]`);
      else lines.push(`MOV W9,#${o.v}`, `STR W9,[${a}]`);
    });
    return lines;
  });
  const rows = Math.max(...cols.map((c) => c.length));
  const table = [threads.map((_, t) => `P${t}`).join(" | ") + " ;"];
  for (let r = 0; r < rows; r++) table.push(cols.map((c) => c[r] ?? "").join(" | ") + " ;");
  const regs = threads.flatMap((ops, t) => ops.filter((o) => "ld" in o).map((_, k) => `${t}:X${10 + k}`));
  const init = threads.map((_, t) => `${t}:X1=x; ${t}:X2=y;`).join(" ");
  return `AArch64 random\n{ ${init} }\n${table.join("\n")}\nlocations [${[...regs, "x", "y"].join("; ")}]\nexists (true)\n`;
}

/** Every final state of every interleaving, as observable name → value. */
function scOutcomes(threads: Op[][]): Set<string>[] {
  const out: Map<string, number>[] = [];
  const go = (pcs: number[], mem: { x: number; y: number }, regs: Map<string, number>) => {
    let moved = false;
    threads.forEach((ops, t) => {
      const o = ops[pcs[t]!];
      if (!o) return;
      moved = true;
      const next = pcs.map((p, i) => (i === t ? p + 1 : p));
      if ("st" in o) go(next, { ...mem, [o.st]: o.v }, regs);
      else {
        const k = ops.slice(0, pcs[t]).filter((p) => "ld" in p).length;
        go(next, mem, new Map(regs).set(`${t}:X${10 + k}`, mem[o.ld]));
      }
    });
    if (!moved) out.push(new Map([...regs, ["[x]", mem.x], ["[y]", mem.y]]));
  };
  go(
    threads.map(() => 0),
    { x: 0, y: 0 },
    new Map(),
  );
  return out.map((m) => new Set([...m].map(([k, v]) => `${k}=${v}`)));
}

function armv8(threads: Op[][], fenced: boolean): Set<string> {
  const r = runLitmus(parseLitmus(render(threads, fenced), "random.litmus"));
  return new Set(
    r.states.map((s) =>
      r.observables
        .map((o, i) => `${o}=${s.values[i]}`)
        .sort()
        .join(" "),
    ),
  );
}

const key = (s: Set<string>) => [...s].sort().join(" ");

describe("ARMv8 against sequential consistency", () => {
  it("allows every SC outcome", () => {
    fc.assert(
      fc.property(program, (threads) => {
        const allowed = armv8(threads, false);
        for (const s of scOutcomes(threads)) expect(allowed.has(key(s)), key(s)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("allows exactly the SC outcomes when DMB SY separates every two accesses", () => {
    fc.assert(
      fc.property(program, (threads) => {
        expect([...armv8(threads, true)].sort()).toEqual([...new Set(scOutcomes(threads).map(key))].sort());
      }),
      { numRuns: 100 },
    );
  });
});
