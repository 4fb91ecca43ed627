/**
 * A user's own ASID allocator, loaded from a module path a scenario names (relative to the scenario
 * file): through the CLI and through resolveAllocator, run and checked like a built-in. Bad input exits
 * 2 with one line on stderr naming what is wrong: a module that does not export an allocator, one that
 * does not load, an allocator name nobody knows, an ASID width the allocator cannot work with.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenario } from "../../scenarios/index.js";
import { AllocatorError, resolveAllocator } from "../../src/kernel/asid/registry.js";
import { runScenario } from "../../src/run/run-scenario.js";
import { ROOT, cli, is } from "./kernel-helpers.js";

const FIXTURES = join(ROOT, "test", "fixtures");
const MODULE = join(FIXTURES, "round-robin-allocator.mjs");
const SCENARIO = join(FIXTURES, "user-allocator-scenario.json");

const tmp = mkdtempSync(join(tmpdir(), "smpsim-user-allocator-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes a scenario next to a module in the temp dir; `allocator` is what kernel.asidAllocator says. */
function scenarioFile(name: string, allocator: string, extra: Record<string, unknown> = {}): string {
  const file = join(tmp, `${name}.json`);
  const mms = (extra.mms as number | undefined) ?? 2;
  const tables: Record<string, unknown> = {};
  const tasks: unknown[] = [];
  for (let i = 0; i < mms; i++) {
    tables[`M${i}`] = { "0x8000": { pa: `0x${(0x10 + i).toString(16)}000` } };
    tasks.push({
      id: `M${i}`,
      mm: `M${i}`,
      script: [{ op: "repeat", times: 3, body: [{ op: "read", va: "0x8000" }, { op: "yield" }] }],
    });
  }
  const raw = {
    id: name,
    machine: { cores: 2, tlbEntries: 8 },
    tables,
    kernel: { asidAllocator: allocator, asidBits: (extra.asidBits as number | undefined) ?? 8 },
    tasks,
  };
  writeFileSync(file, JSON.stringify(raw, null, 2));
  return file;
}

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

describe("a user allocator module loaded from a path", () => {
  it("runs from the fixture scenario through the CLI (exit 0)", () => {
    const r = cli(["run", SCENARIO, "--no-log"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`ASID allocator ${MODULE}`);
    expect(r.stdout).toContain("verdict: clean");
  });

  it("is found relative to the scenario file, not the working directory", () => {
    const r = cli(["run", SCENARIO, "--no-log", "--json"], tmp);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { verdict: string; perCore: unknown[] };
    expect(j.perCore).toHaveLength(2);
  });

  it("resolves through resolveAllocator, relative to a base folder or absolute", async () => {
    for (const [name, base] of [
      ["./round-robin-allocator.mjs", FIXTURES],
      [MODULE, "/"],
    ] as const) {
      const a = await resolveAllocator(name, base);
      expect(a.name).toBe("round-robin");
      expect(a.source).toContain("test fixture");
      expect(typeof a.initialVars).toBe("function");
      expect(typeof a.switchMm).toBe("function");
      expect(a.ipiHandlers).toEqual({});
      expect(a.initialVars(["A", "B"], 2, 8)).toEqual({ next_asid: 1, "A.context.id": 0, "B.context.id": 0 });
    }
  });

  it("does the work in a run: its ASIDs are the ones the cores announce and load (after the reserved 0)", async () => {
    const { scenario, baseDir } = loadScenario(SCENARIO);
    expect(scenario.kernel.asidAllocator).toBe(MODULE);
    const r = await runScenario({ scenario, baseDir, seed: 1, strategy: "random", keepEvents: true });
    expect(r.outcome.reason).toBe("done");
    const assigned = new Map(r.events.filter(is("asid.assign")).map((a) => [a.mm, a.asid]));
    expect([...assigned.values()].sort()).toEqual([1, 2]);
    expect(r.state.vars.next_asid).toBe(3);
    for (const a of r.events.filter(is("asid.assign"))) {
      const write = r.events.find(
        (e) => e.seq > a.seq && e.core === a.core && e.type === "reg.write" && e.regs.asid !== undefined && e.regs.asid !== 0,
      );
      expect(write).toMatchObject({ regs: { asid: a.asid } });
    }
  });

  it("is checked like a built-in: wrapping without roll-over handling is caught", async () => {
    // Five mms, 2-bit ASIDs: the naive allocator hands ASID 1 out again while its first owner lives.
    const file = scenarioFile("naive-wrap", MODULE, { mms: 5, asidBits: 2 });
    const { scenario, baseDir } = loadScenario(file);
    const found = new Set<string>();
    for (let seed = 1; seed <= 10; seed++) {
      const r = await runScenario({ scenario, baseDir, seed, strategy: "random" });
      if (r.outcome.violation) found.add(r.outcome.violation.invariant);
    }
    expect(found.size).toBeGreaterThan(0);
    expect([...found].every((i) => ["translation-coherence", "unique-asid-active", "isolation"].includes(i))).toBe(true);
  });
});

describe("bad allocators exit 2 with a one-line reason", () => {
  it("a module whose default export is not an allocator names the module file", async () => {
    const mod = join(tmp, "not-an-allocator.mjs");
    writeFileSync(mod, "export default { name: 3 }\n");
    const r = cli(["run", scenarioFile("malformed", "./not-an-allocator.mjs"), "--no-log"]);
    expect(r.status).toBe(2);
    const line = oneLine(r.stderr);
    expect(line).toContain(mod);
    // name is a number, the two functions are missing: each is named with the type it should have.
    expect(line).toMatch(
      /not an ASID allocator: it lacks name \(a string\), initialVars \(a function\), switchMm \(a function\)/,
    );
    expect(r.stdout).toBe("");
    await expect(resolveAllocator(mod, "/")).rejects.toBeInstanceOf(AllocatorError);
  });

  it("a module that does not load (syntax error) names the module file", () => {
    const mod = join(tmp, "broken.mjs");
    writeFileSync(mod, "export default {\n");
    const r = cli(["run", scenarioFile("broken", "./broken.mjs"), "--no-log"]);
    expect(r.status).toBe(2);
    const line = oneLine(r.stderr);
    expect(line).toContain(mod);
    expect(line).toContain("cannot load ASID allocator module");
  });

  it("a module path that does not exist names the path", () => {
    const r = cli(["run", scenarioFile("missing", "./no-such-allocator.mjs"), "--no-log"]);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toContain(join(tmp, "no-such-allocator.mjs"));
  });

  it("an unknown allocator name names it and lists the built-ins", () => {
    const r = cli(["run", "asid-rollover-ipi", "--set", "kernel.asidAllocator=linux-9", "--no-log"]);
    expect(r.status).toBe(2);
    const line = oneLine(r.stderr);
    expect(line).toContain('unknown ASID allocator "linux-9"');
    for (const name of ["linux-2.6.36", "linux-3.10", "linux-4.x", "arm64", "arm64-xchg", "arm64-cmpxchg"])
      expect(line).toContain(name);
  });

  it.each([
    ["asid-rollover-generation", "linux-4.x"],
    ["asid-rollover-ipi", "linux-2.6.36"],
    ["asid-arm64", "arm64"],
  ])("an ASID width %s's allocator cannot support on 4 cores (2 bits) names the allocator and the width", (id, allocator) => {
    const r = cli(["run", id, "--set", "kernel.asidBits=2", "--no-log"]);
    expect(r.status).toBe(2);
    const line = oneLine(r.stderr);
    expect(line).toContain(allocator);
    expect(line).toMatch(/asidBits/);
    expect(r.stdout).toBe("");
  });

  it("the same width on 2 cores is fine (and rolls over)", () => {
    const r = cli([
      "run",
      "asid-rollover-generation",
      "--set",
      "kernel.asidBits=2",
      "--set",
      "machine.cores=2",
      "--no-log",
      "--json",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { verdict: string; rollovers: number };
    expect(j.rollovers).toBeGreaterThan(0);
  });
});
