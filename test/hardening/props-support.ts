/**
 * What the hardening property suites share: the input counts and seed, the contract every CLI result is
 * held to, and JSON mutations. Not a test file itself.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { expect } from "vitest";
import type { CliResult } from "./inproc.js";

/** A small scenario: two cores, two mms, a shootdown, a yield, a repeat: every part of the run in a few hundred events. */
export const small = {
  id: "small",
  machine: { cores: 2, tlbEntries: 4, maxEvents: 3000 },
  tables: {
    kernel: { "0xc0008000": { pa: "0x80008000" } },
    A: { "0x8000": { pa: "0x10000" }, "0x9000": { pa: "0x11000" } },
    B: { "0x8000": { pa: "0x12000" } },
  },
  kernel: { asidAllocator: "linux-2.6.36", asidBits: 8 },
  tasks: [
    {
      id: "A.0",
      mm: "A",
      script: [{ op: "read", va: "0x8000" }, { op: "yield" }, { op: "unmap", va: "0x9000", shootdown: "broadcast" }],
    },
    {
      id: "A.1",
      mm: "A",
      cores: [1],
      script: [
        {
          op: "repeat",
          times: 2,
          body: [
            { op: "read", va: "0x9000" },
            { op: "read", va: "0xc0008000" },
          ],
        },
      ],
    },
    { id: "B", mm: "B", script: [{ op: "write", va: "0x8000" }, { op: "yield" }, { op: "read", va: "0x8000" }] },
  ],
};
/** A smaller one for the log classes: about 100 events, 10 kB of log. */
export const tiny = {
  id: "tiny",
  machine: { cores: 2, tlbEntries: 2, maxEvents: 3000 },
  tables: { A: { "0x8000": { pa: "0x10000" } }, B: { "0x8000": { pa: "0x12000" } } },
  kernel: { asidAllocator: "linux-2.6.36" },
  tasks: [
    {
      id: "A",
      mm: "A",
      script: [
        { op: "read", va: "0x8000" },
        { op: "unmap", va: "0x8000", shootdown: "broadcast" },
      ],
    },
    { id: "B", mm: "B", cores: [1], script: [{ op: "read", va: "0x8000" }] },
  ],
};

export const RUNS = Number(process.env.SMPSIM_FUZZ_RUNS ?? 2000);
export const SEED = Number(process.env.SMPSIM_FUZZ_SEED ?? 15);
export const opts = (numRuns = RUNS) => ({ numRuns, seed: SEED, endOnFailure: true });
export const CLASS_TIMEOUT = 120_000 * Math.max(1, RUNS / 2000);

/** The contract every input is held to; `names` is what an exit-2 message must contain (the file, or "--set"). */
export function contract(r: CliResult, names: string, what: string): void {
  const ctx = `${what}\nexit ${r.status}\nstderr: ${r.stderr.slice(0, 2000)}`;
  expect([0, 1, 2], ctx).toContain(r.status);
  expect(/\n\s+at /.test(r.stderr) || r.stderr.includes("internal error"), ctx).toBe(false);
  if (r.status === 2) {
    const last = r.stderr.trim().split("\n").at(-1)!;
    expect(last, ctx).toContain(names);
    // After the file: a field path or a line number, then the reason.
    expect(last.slice(last.indexOf(names) + names.length), ctx).toMatch(/^:? ?\S.*: \S/);
  }
}

let fileNo = 0;
/** A new file in `dir` for each input: overwriting one file costs this machine ~5 ms a time (a flush on truncate). */
export const fresh = (dir: string, ext: string): string => join(dir, `f${fileNo++}.${ext}`);
export const write = (dir: string, text: string, ext = "log"): string => {
  const f = fresh(dir, ext);
  writeFileSync(f, text);
  return f;
};

// ---- scenario mutations -------------------------------------------------------------------------------

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export const nasty: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    0,
    1,
    -1,
    0.5,
    1e9,
    2 ** 53,
    -0,
    64,
    65,
    4097,
    "",
    "0x8000",
    "0xffffffff",
    "0x1ffffffff",
    "__proto__",
    "constructor",
    "toString",
    "kernel",
    "A",
    "A.0",
    "repeat",
    "read",
    "lru",
    "random",
    true,
    false,
    null,
    [],
    {},
    [0],
    { op: "read", va: "0x8000" },
  ),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);
/** Every path in a JSON value, as key lists. */
export function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}
export type Mutation = { path: number; action: "set" | "delete" | "add"; key: string; value: Json };
export const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.nat(),
  action: fc.constantFrom("set", "set", "delete", "add"),
  key: fc.constantFrom(
    "id",
    "op",
    "times",
    "body",
    "cores",
    "va",
    "pa",
    "mm",
    "script",
    "x",
    "__proto__",
    "hyp",
    "vcpu",
    "global",
    "shootdown",
    "asidAllocator",
    "speculation",
  ),
  value: nasty,
});
export function mutate(base: Json, ms: Mutation[]): Json {
  const root = structuredClone(base);
  for (const m of ms) {
    const all = paths(root).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const p = all[m.path % all.length]!;
    let o = root as Record<string | number, Json>;
    for (const k of p.slice(0, -1)) o = o[k] as Record<string | number, Json>;
    const last = p.at(-1)!;
    if (m.action === "set") o[last] = m.value;
    else if (m.action === "delete") {
      if (Array.isArray(o)) o.splice(last as number, 1);
      else Reflect.deleteProperty(o, last);
    } else {
      const target = o[last];
      if (target && typeof target === "object" && !Array.isArray(target))
        Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      else if (Array.isArray(target)) target.push(m.value);
    }
  }
  return root;
}
