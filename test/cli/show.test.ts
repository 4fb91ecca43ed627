/** `smpsim show`: a scenario as editable JSON that reads back as the same scenario. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinScenarios, readScenario } from "../../scenarios/index.js";
import { compactJson, scenarioWithHex } from "../../src/cli/scenario-json.js";
import { cliSandbox } from "./spawn.js";

const box = cliSandbox();

const smpsim = box.smpsim;

describe("smpsim show", () => {
  it("prints the default scenario as JSON with addresses in hex", () => {
    const r = smpsim("show", "default");
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      tasks: unknown[];
      machine: { pageOffset: string };
      tables: Record<string, Record<string, { pa: string }>>;
    };
    expect(j.tasks.length).toBeGreaterThan(0);
    expect(j.machine.pageOffset).toBe("0xc0000000");
    expect(Object.keys(j.tables.kernel!)[0]).toMatch(/^0x[0-9a-f]+$/);
    expect(Object.values(j.tables.kernel!)[0]!.pa).toMatch(/^0x[0-9a-f]+$/);
    expect(r.stdout).not.toMatch(/3221225472/);
  });

  it("gives a file that runs as the built-in does", () => {
    writeFileSync(join(box.cwd, "mine.json"), smpsim("show", "tlb-shootdown-munmap-local-only").stdout);
    const fromFile = JSON.parse(smpsim("run", "mine.json", "--no-log", "--json").stdout) as { stateHash: string; events: number };
    const builtin = JSON.parse(smpsim("run", "tlb-shootdown-munmap-local-only", "--no-log", "--json").stdout) as {
      stateHash: string;
      events: number;
    };
    expect(fromFile).toMatchObject({ stateHash: builtin.stateHash, events: builtin.events });
  });

  it("applies --set first", () => {
    const j = JSON.parse(smpsim("show", "default", "--set", "machine.cores=2").stdout) as { machine: { cores: number } };
    expect(j.machine.cores).toBe(2);
  });

  it("exits 2 naming an unknown scenario", () => {
    const r = smpsim("show", "defualt");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did you mean default\?/);
  });
});

describe("the shown JSON", () => {
  it.each(builtinScenarios.map((s) => [s.id, s.raw]))("reads back as the same scenario: %s", (id, raw) => {
    const resolved = readScenario(raw, id);
    const text = compactJson(scenarioWithHex(resolved));
    expect(readScenario(JSON.parse(text), "shown")).toEqual(resolved);
  });
});

describe("README", () => {
  it("says how to make a large log", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
    expect(readme).toMatch(/smpsim show/);
    expect(readme).toMatch(/tasks\.\$i\.script\.0\.times=/);
  });
});
