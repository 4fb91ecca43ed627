/**
 * The scenario format: every error names the file and the field path, unknown fields are refused,
 * addresses may be hex strings, defaults are filled in, a resolved scenario (what a log header keeps)
 * reads back as itself, and no JSON value at all makes the reader throw anything but ScenarioError.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ScenarioError, builtinScenarios, loadScenario, readScenario } from "../../scenarios/index.js";

/** A small valid scenario to start from; tests change one thing in a copy. */
function base(): Record<string, unknown> {
  return {
    id: "t",
    description: "test scenario",
    machine: { cores: 2, tlbEntries: 8 },
    tables: {
      kernel: { "0xc0008000": { pa: "0x80008000" } },
      A: { "0x8000": { pa: "0x10000" }, "0x9000": { pa: "0x11000", writable: false } },
    },
    kernel: { asidAllocator: "static" },
    tasks: [
      {
        id: "A.0",
        mm: "A",
        cores: [0],
        script: [
          { op: "read", va: "0x8000" },
          { op: "write", va: "0x9000" },
        ],
      },
      { id: "A.1", mm: "A", script: [{ op: "repeat", times: 2, body: [{ op: "read", va: 32768 }, { op: "yield" }] }] },
    ],
  };
}

function scenarioError(raw: unknown, file = "my.json"): ScenarioError {
  try {
    readScenario(raw, file);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error("readScenario accepted it");
}

/** `edit` applied to a fresh copy of the base scenario. */
const edited = (edit: (s: any) => void): unknown => {
  const s = base();
  edit(s);
  return s;
};

describe("scenario errors name the file and the field", () => {
  it("names machine.cores for an impossible core count", () => {
    const e = scenarioError(edited((s) => (s.machine.cores = 0)));
    expect(e.message).toMatch(/^my\.json: machine\.cores: expected an integer from 1 to 64, got 0$/);
  });

  it("names tasks[0].script[1].va for an address that is not one", () => {
    const e = scenarioError(edited((s) => (s.tasks[0].script[1].va = "0xzz")));
    expect(e.message).toMatch(/^my\.json: tasks\[0\]\.script\[1\]\.va: /);
    expect(e.message).toContain('"0xzz"');
  });

  it("names the path inside a repeat body", () => {
    const e = scenarioError(edited((s) => (s.tasks[1].script[0].body[1] = { op: "jump" })));
    expect(e.message).toMatch(/^my\.json: tasks\[1\]\.script\[0\]\.body\[1\]\.op: expected one of /);
  });

  it("names the page-table entry of a bad physical address", () => {
    const e = scenarioError(edited((s) => (s.tables.A["0x8000"].pa = -1)));
    expect(e.message).toMatch(/^my\.json: tables\.A\.0x8000\.pa: /);
  });

  it("names a task's core that the machine does not have", () => {
    const e = scenarioError(edited((s) => (s.tasks[0].cores = [0, 2])));
    expect(e.message).toMatch(/^my\.json: tasks\[0\]\.cores: core 2 does not exist \(2 cores\)$/);
  });

  it("refuses a task defined twice, and a kernel thread (mm = the kernel's table) that unmaps user pages", () => {
    expect(scenarioError(edited((s) => (s.tasks[1].id = "A.0"))).message).toMatch(/tasks\[1\]\.id: task "A\.0" is defined twice/);
    const unmapping = (s: any): void => {
      s.tasks[0].mm = "kernel";
      s.tasks[0].script.push({ op: "unmap", va: "0x8000" });
    };
    expect(scenarioError(edited(unmapping)).message).toMatch(/tasks\[0\]\.script: task "A\.0" is a kernel thread/);
    // A kernel thread that only reads is fine: it borrows whatever mm is loaded (lazy TLB).
    expect(
      readScenario(
        edited((s) => (s.tasks[1].mm = "kernel")),
        "my.json",
      ).tasks[1]!.mm,
    ).toBe("kernel");
  });

  it("requires an id and at least one task", () => {
    expect(scenarioError(edited((s) => delete s.id)).message).toMatch(/^my\.json: id: /);
    expect(scenarioError(edited((s) => (s.tasks = []))).message).toMatch(/^my\.json: tasks: /);
    expect(scenarioError(edited((s) => delete s.tasks)).message).toMatch(/^my\.json: tasks: expected an array/);
  });

  it("refuses a top level that is not an object", () => {
    for (const raw of [null, [], 3, "x", true]) expect(scenarioError(raw).message).toMatch(/^my\.json: \(top level\): /);
  });

  it("refuses enumerations it does not know, listing the ones it does", () => {
    const e = scenarioError(edited((s) => (s.kernel.switchSequence = "random-order")));
    expect(e.message).toMatch(/^my\.json: kernel\.switchSequence: expected one of "ttbr-then-asid", /);
    expect(
      scenarioError(edited((s) => (s.tasks[0].script[0] = { op: "unmap", va: "0x8000", shootdown: "hope" }))).message,
    ).toMatch(/tasks\[0\]\.script\[0\]\.shootdown/);
  });

  it("refuses an address beyond 32 bits", () => {
    expect(scenarioError(edited((s) => (s.tasks[0].script[0].va = "0x100000000"))).message).toMatch(
      /tasks\[0\]\.script\[0\]\.va/,
    );
    expect(scenarioError(edited((s) => (s.tasks[0].script[0].va = 2 ** 32))).message).toMatch(/tasks\[0\]\.script\[0\]\.va/);
  });
});

describe("unknown fields", () => {
  it.each([
    ["at the top level", (s: any) => (s.seeed = 1), /^my\.json: seeed: unknown field/],
    ["in machine", (s: any) => (s.machine.corse = 2), /^my\.json: machine\.corse: unknown field/],
    [
      "in machine.costs",
      (s: any) => (s.machine.costs = { walkCycles: 3 }),
      /^my\.json: machine\.costs\.walkCycles: unknown field/,
    ],
    ["in kernel", (s: any) => (s.kernel.allocator = "x"), /^my\.json: kernel\.allocator: unknown field/],
    ["in a task", (s: any) => (s.tasks[1].affinity = [0]), /^my\.json: tasks\[1\]\.affinity: unknown field/],
    ["in an op", (s: any) => (s.tasks[0].script[0].addr = 1), /^my\.json: tasks\[0\]\.script\[0\]\.addr: unknown field/],
    ["in a page-table entry", (s: any) => (s.tables.A["0x8000"].ng = true), /^my\.json: tables\.A\.0x8000\.ng: unknown field/],
    ["in schedule", (s: any) => (s.schedule = { sed: 1 }), /^my\.json: schedule\.sed: unknown field/],
  ])("are rejected %s", (_where, edit, message) => {
    expect(scenarioError(edited(edit)).message).toMatch(message);
  });
});

describe("addresses and defaults", () => {
  it("accepts addresses as hex strings (either case), decimal strings and numbers", () => {
    const s = readScenario(
      edited((s) => {
        s.tasks[0].script = [
          { op: "read", va: "0x8000" },
          { op: "read", va: "0XC0008000" },
          { op: "read", va: "36864" },
          { op: "read", va: 40960 },
        ];
        s.machine.pageOffset = "0x80000000";
      }),
      "my.json",
    );
    expect(s.tasks[0]!.script).toEqual([
      { op: "read", va: 0x8000 },
      { op: "read", va: 0xc0008000 },
      { op: "read", va: 0x9000 },
      { op: "read", va: 0xa000 },
    ]);
    expect(s.machine.pageOffset).toBe(0x80000000);
    expect(s.tables["A"]![0x8000]).toEqual({ pa: 0x10000, global: false, writable: true });
  });

  it("makes kernel mappings global and user mappings non-global unless told otherwise", () => {
    const s = readScenario(base(), "my.json");
    expect(s.tables["kernel"]![0xc0008000]!.global).toBe(true);
    expect(s.tables["A"]![0x9000]).toEqual({ pa: 0x11000, global: false, writable: false });
    const t = readScenario(
      edited((x) => (x.tables.kernel["0xc0008000"].global = false)),
      "my.json",
    );
    expect(t.tables["kernel"]![0xc0008000]!.global).toBe(false);
  });

  it("fills in the machine, kernel and schedule defaults", () => {
    const s = readScenario(
      { id: "min", tables: { A: {} }, tasks: [{ id: "t", mm: "A", script: [{ op: "read", va: "0x8000" }] }] },
      "min.json",
    );
    expect(s.machine).toMatchObject({ cores: 4, tlbEntries: 64, tlbPolicy: "lru", pageOffset: 0xc0000000 });
    expect(s.machine.speculation).toMatchObject({ enabled: false, vas: [0x8000] });
    expect(s.kernel).toMatchObject({ asidAllocator: "static", asidBits: 8, switchSequence: "reserved-asid" });
    expect(s.schedule).toMatchObject({ strategy: "random", seed: 1 });
    expect(s.kernelTable).toBe("kernel");
    expect(s.expect).toBe("clean");
  });
});

/** A resolved scenario as a log header stores it: plain JSON. */
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe("resolved scenarios", () => {
  it.each(builtinScenarios.map((b) => b.id))("%s reads back from its resolved form as itself (a log header replays)", (id) => {
    const b = builtinScenarios.find((x) => x.id === id)!;
    const resolved = readScenario(b.raw, id);
    expect(readScenario(asJson(resolved), "header")).toEqual(resolved);
  });

  it("reads back a scenario that has no description (as user files often do)", () => {
    const resolved = readScenario(
      edited((s) => delete s.description),
      "my.json",
    );
    expect(readScenario(asJson(resolved), "header")).toEqual(resolved);
  });
});

describe("loading scenario files", () => {
  const dir = mkdtempSync(join(tmpdir(), "smpsim-scn-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it("loads a valid file and names it as the source", () => {
    const p = file("ok.json", JSON.stringify(base(), null, 2));
    const l = loadScenario(p);
    expect(l.scenario.id).toBe("t");
    expect(l.source).toBe(p);
  });

  it("names the file, line and column of a JSON syntax error", () => {
    const p = file("missing-comma.json", '{\n  "id": "x"\n  "tasks": []\n}\n');
    expect(() => loadScenario(p)).toThrow(ScenarioError);
    expect(() => loadScenario(p)).toThrow(
      new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: line 3, column 3: not valid JSON`),
    );
  });

  it("names the right line for a trailing comma", () => {
    const p = file("trailing-comma.json", '{\n  "id": "x",\n  "tasks": [1,],\n  "b": 2\n}\n');
    expect(() => loadScenario(p)).toThrow(/: line 3, column \d+: not valid JSON/);
  });

  it("reports a field error with the file's path", () => {
    const p = file("bad-field.json", JSON.stringify(edited((s) => (s.machine.cores = "two"))));
    expect(() => loadScenario(p)).toThrow(new RegExp(`bad-field\\.json: machine\\.cores: `));
  });

  it("reports an unknown scenario name that is not a file either", () => {
    expect(() => loadScenario("no-such-scenario")).toThrow(ScenarioError);
    expect(() => loadScenario("no-such-scenario")).toThrow(/no-such-scenario: no built-in scenario/);
  });
});

describe("the reader on arbitrary JSON", () => {
  /** Returns a Scenario or throws ScenarioError; whatever it returns reads back as itself. */
  const readsOrScenarioError = (raw: unknown): void => {
    let s;
    try {
      s = readScenario(raw, "fuzz.json");
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      expect(e.message.startsWith("fuzz.json: ")).toBe(true);
      return;
    }
    expect(readScenario(asJson(s), "again.json")).toEqual(s);
  };

  it("returns or throws ScenarioError for any JSON value", () => {
    fc.assert(fc.property(fc.jsonValue(), readsOrScenarioError), { numRuns: 300 });
  });

  it("returns or throws ScenarioError for a valid scenario with one part replaced by any JSON value", () => {
    /** Every path to a value in a JSON tree. */
    const paths = (v: unknown, p: (string | number)[] = []): (string | number)[][] => {
      const out = [p];
      if (v !== null && typeof v === "object")
        for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...p, Array.isArray(v) ? Number(k) : k]));
      return out;
    };
    const all = paths(base()).filter((p) => p.length > 0);
    const replacement = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(null, "", 0, -1, 1e12, 0.5, "0x", "0x8000", [], {}, true, "A", "kernel", "__proto__"),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...all), replacement, fc.boolean()), { minLength: 1, maxLength: 3 }),
        (edits) => {
          const s = base() as Record<string | number, unknown>;
          for (const [path, value, remove] of edits) {
            let o: unknown = s;
            for (const k of path.slice(0, -1))
              o = o !== null && typeof o === "object" ? (o as Record<string | number, unknown>)[k] : undefined;
            if (o === null || typeof o !== "object") continue;
            const last = path.at(-1)!;
            // Arrays lose an element (JSON has no holes); objects lose a key.
            if (remove && Array.isArray(o)) o.splice(Number(last), 1);
            else if (remove) delete (o as Record<string | number, unknown>)[last];
            else (o as Record<string | number, unknown>)[last] = structuredClone(value);
          }
          readsOrScenarioError(s);
        },
      ),
      { numRuns: 500 },
    );
  });
});
