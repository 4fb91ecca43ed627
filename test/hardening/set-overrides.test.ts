/**
 * `--set` cannot reach an object's prototype, and names in a scenario cannot hit prototype members
 * (issue 15, item 2): `__proto__`, `prototype` and `constructor` path segments are refused, the walk
 * goes through own properties only, and a name such as "toString" is not mistaken for a built-in.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isCleanBadInput, smpsim, tempDir } from "./inproc.js";

const { dir, cleanup } = tempDir("set");
afterAll(cleanup);

describe("--set paths", () => {
  for (const set of [
    "__proto__.x=1",
    '__proto__.hyp={"vms":[]}',
    'tables.__proto__={"0x8000":{"pa":"0x1000"}}',
    "machine.constructor.x=1",
    "kernel.prototype=3",
    "tasks.0.__proto__.id=1",
    "tasks.length=0",
    "tasks.9=1",
    "tasks.-1=1",
    "tasks.length.x=1",
  ]) {
    it(`refuses ${set} with exit 2 naming the segment, and pollutes nothing`, async () => {
      const r = await smpsim(["run", "default", "--no-log", "--set", set]);
      expect(isCleanBadInput(r), r.stderr).toBe(true);
      expect(r.stderr).toContain("--set");
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      expect(({} as Record<string, unknown>).hyp).toBeUndefined();
    });
  }

  it("a prototype member's name is not a built-in allocator", async () => {
    for (const name of ["toString", "__proto__", "constructor", "hasOwnProperty"]) {
      const r = await smpsim(["run", "default", "--no-log", "--set", `kernel.asidAllocator=${name}`]);
      expect(isCleanBadInput(r), r.stderr).toBe(true);
      expect(r.stderr).toContain("kernel.asidAllocator");
    }
  });

  it("a path through something that is not an own field is refused", async () => {
    const r = await smpsim(["run", "default", "--no-log", "--set", "machine.toString.x=1"]);
    expect(isCleanBadInput(r), r.stderr).toBe(true);
  });

  it("the clean default run stays clean after a refused pollution attempt", async () => {
    await smpsim(["run", "default", "--no-log", "--set", "__proto__.x=1"]);
    expect((await smpsim(["run", "default", "--no-log"])).status).toBe(0);
  });
});

describe("names in a scenario", () => {
  const scenario = (task: string, mm: string): string => {
    const file = join(dir, `${task.replace(/\W/g, "_")}-${mm.replace(/\W/g, "_")}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        id: "names",
        machine: { cores: 2 },
        tables: { [mm]: { "0x8000": { pa: "0x10000" } } },
        tasks: [
          { id: task, mm, script: [{ op: "read", va: "0x8000" }, { op: "yield" }, { op: "read", va: "0x8000" }] },
          { id: "other", mm, script: [{ op: "read", va: "0x8000" }] },
        ],
      }),
    );
    return file;
  };
  it("an mm named like an Object member still needs its own page table (no prototype lookup)", async () => {
    for (const mm of ["toString", "constructor", "valueOf", "hasOwnProperty"]) {
      const file = join(dir, `no-table-${mm}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          id: "names",
          machine: { cores: 1 },
          tables: { A: { "0x8000": { pa: "0x10000" } } },
          tasks: [{ id: "t", mm, script: [{ op: "read", va: "0x8000" }] }],
        }),
      );
      const r = await smpsim(["run", file, "--no-log"]);
      expect(isCleanBadInput(r), r.stderr).toBe(true);
      expect(r.stderr).toContain(`tasks[0].mm: mm "${mm}" has no page table`);
    }
  });

  for (const [task, mm] of [
    ["__proto__", "A"],
    ["A", "__proto__"],
    ["constructor", "toString"],
    ["hasOwnProperty", "valueOf"],
  ] as const) {
    it(`task "${task}" in mm "${mm}" runs clean or is refused, never a false violation`, async () => {
      const r = await smpsim(["run", scenario(task, mm), "--no-log"]);
      if (r.status === 2) expect(isCleanBadInput(r), r.stderr).toBe(true);
      else expect(r.status, r.stdout + r.stderr).toBe(0);
    });
  }
});
