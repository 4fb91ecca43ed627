/**
 * Hardening properties, part 1 (issue 15, "Acceptance"): hostile input through the CLI in-process:
 * scenario mutations, --set paths, schedule strings; and broken allocator modules, in-process. Every
 * input gives exit 0, 1 or 2, no stack trace, and exit 2 names the file (or --set, the schedule) and
 * the field or line. Seeded (SMPSIM_FUZZ_SEED); SMPSIM_FUZZ_RUNS inputs per class (`npm run fuzz`: more).
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smpsim, tempDir } from "./inproc.js";
import { CLASS_TIMEOUT, contract, mutate, mutation, nasty, opts, small, write } from "./props-support.js";
import { FifoChooser } from "../../src/engine/chooser.js";
import { isInputError } from "../../src/cli/errors.js";
import { checkedModule } from "../../src/kernel/asid/checked-module.js";
import type { AsidAllocator } from "../../src/kernel/asid/allocator.js";
import { simulate } from "../../src/run/simulate.js";
import { readScenario } from "../../scenarios/index.js";

const { dir, cleanup } = tempDir("props");
afterAll(cleanup);

const smallFile = join(dir, "small.json");

beforeAll(async () => {
  writeFileSync(smallFile, JSON.stringify(small));
  expect((await smpsim(["run", smallFile, "--no-log"])).status).toBe(0);
});

describe("hostile input: scenarios, --set, schedules", () => {
  it(
    "scenario mutations",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
          const f = write(dir, JSON.stringify(mutate(small, ms)), "json");
          contract(await smpsim(["run", f, "--no-log", "--max-events", "400"]), f, JSON.stringify(ms));
          rmSync(f);
        }),
        opts(),
      );
    },
    CLASS_TIMEOUT,
  );

  const segment = fc.constantFrom(
    "machine",
    "cores",
    "tlbEntries",
    "maxEvents",
    "kernel",
    "asidAllocator",
    "asidBits",
    "tasks",
    "0",
    "1",
    "2",
    "9",
    "-1",
    "script",
    "op",
    "va",
    "times",
    "body",
    "__proto__",
    "constructor",
    "prototype",
    "tables",
    "A",
    "0x8000",
    "pa",
    "hyp",
    "vms",
    "schedule",
    "seed",
    "x",
    "",
    "length",
    "toString",
  );
  const setValue = fc.oneof(
    fc.constantFrom(
      "1",
      "0",
      "-1",
      "1e9",
      "0.5",
      "x",
      "null",
      "{}",
      "[]",
      '{"a":1}',
      '{"vms":[]}',
      "true",
      "toString",
      "__proto__",
      "0x8000",
      '"0x8000"',
      "[1,2]",
      '{"op":"read","va":"0x8000"}',
      "linux-3.10",
      "arm64",
      "./x.mjs",
    ),
    fc.string({ maxLength: 8 }),
  );
  it(
    "--set paths",
    async () => {
      const protoKeys = Object.getOwnPropertyNames(Object.prototype).length;
      await fc.assert(
        fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), setValue, async (path, value) => {
          const set = `${path.join(".")}=${value}`;
          contract(await smpsim(["run", smallFile, "--no-log", "--max-events", "400", `--set=${set}`]), "--set", set);
          expect(Object.getOwnPropertyNames(Object.prototype).length, set).toBe(protoKeys);
        }),
        opts(),
      );
    },
    CLASS_TIMEOUT,
  );

  const token = fc.constantFrom(
    "0",
    "1",
    "2",
    "3",
    "a",
    "z",
    "Z",
    "(",
    ")",
    "{",
    "}",
    "(1)",
    "(zz)",
    "{3}",
    "{0}",
    "{99999}",
    "{49999999}",
    "-",
    " ",
    "0{2}",
    "(10){2}",
  );
  it(
    "schedule strings",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(token, { maxLength: 12 }), async (parts) => {
          const s = parts.join("");
          const r = await smpsim(["run", smallFile, "--no-log", `--schedule=${s}`]);
          contract(r, "schedule", JSON.stringify(s));
        }),
        opts(),
      );
    },
    CLASS_TIMEOUT,
  );
});

// ---- broken allocator modules, in-process ---------------------------------------------------------------

describe("broken allocator modules", () => {
  const scenario = readScenario({ ...small, kernel: { asidBits: 8 } }, "small");
  const file = "/fuzz/module.mjs";
  const anyOp: fc.Arbitrary<unknown> = fc.oneof(
    fc.constantFrom(
      null,
      42,
      "read",
      [],
      {},
      { k: "bogus" },
      { k: "call", program: 5 },
      { k: "unlock", name: "never" },
      { k: "lock", name: "l" },
      { k: "isb" },
      { k: "dsb" },
      { k: "wait-acks" },
      { k: "pick-task", tasks: [], roundRobin: true },
      { k: "return" },
      { k: "in-guest", vcpu: "x", op: { k: "isb" } },
      { k: "note", ev: { type: "made.up" } },
      { k: "note", ev: { type: "sched.pick", task: "A.0", prev: "", mm: "A" } },
    ),
    fc.record({
      k: fc.constantFrom("read", "write", "xchg", "cmpxchg", "lock", "unlock"),
      name: fc.constantFrom("v", "", "asid_lock", "A.context.id"),
      value: nasty,
      expect: nasty,
    }),
    fc.record({
      k: fc.constant("ipi"),
      to: fc.array(fc.integer({ min: -2, max: 99 }), { maxLength: 3 }),
      ipi: fc.constantFrom("x", "reset-context", "flush-tlb-page"),
      arg: nasty,
      wait: fc.boolean(),
    }),
    fc.record({ k: fc.constant("access"), va: nasty, write: nasty }),
    fc.record({ k: fc.constant("choose"), of: nasty, what: nasty }),
    fc.record({ k: fc.constant("reg"), regs: fc.constantFrom<unknown>({ asid: 3 }, null, { ttbr0: "nowhere" }, {}) }),
    fc.record({
      k: fc.constant("note"),
      ev: fc.record({
        type: fc.constantFrom("asid.assign", "asid.rollover", "task.exit"),
        mm: nasty,
        generation: nasty,
        asid: nasty,
        task: nasty,
      }),
    }),
  );
  const vars = fc.oneof(fc.constant("good"), nasty);
  it(
    "are exit 2 naming the module, or run",
    () => {
      fc.assert(
        fc.property(vars, fc.array(anyOp, { maxLength: 4 }), fc.boolean(), fc.boolean(), (initial, ops, throws, finishes) => {
          const user = {
            name: "fuzz",
            initialVars: (mms: readonly string[]) =>
              initial === "good" ? Object.fromEntries(mms.map((m) => [`${m}.context.id`, 0])) : initial,
            *switchMm(
              k: { switchTo(cpu: number, mm: string, asid: number): Generator<unknown, void, number> },
              cpu: number,
              mm: string,
            ) {
              for (const op of ops) yield op;
              if (throws) throw new Error("thrown by the module");
              if (finishes) yield* k.switchTo(cpu, mm, 1);
            },
            ipiHandlers: {},
          } as unknown as AsidAllocator;
          try {
            const { outcome } = simulate(scenario, checkedModule(file, user), new FifoChooser(), () => {});
            expect(["done", "violation", "deadlock", "limit"]).toContain(outcome.reason);
          } catch (e) {
            expect(isInputError(e), String((e as Error).stack)).toBe(true);
            expect((e as Error).message).toContain(file);
          }
        }),
        opts(),
      );
    },
    CLASS_TIMEOUT,
  );
});
