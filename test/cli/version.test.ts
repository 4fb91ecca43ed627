/** The tool's version: printed by --version, recorded in every log, and named when --verify diverges. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeDifference, firstDifference } from "../../src/replay/first-difference.js";
import { cliSandbox, root } from "./spawn.js";

const box = cliSandbox();

const smpsim = box.smpsim;
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;

describe("--version", () => {
  it("prints package.json's version and exits 0", () => {
    const r = smpsim("--version");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`smpsim ${version}\n`);
  });
});

describe("the log header", () => {
  it("records the format version and the tool version", () => {
    smpsim("run", "tlb-shootdown-munmap", "--log", "a.log");
    const header = JSON.parse(readFileSync(join(box.cwd, "a.log"), "utf8").split("\n")[0]!) as Record<string, unknown>;
    expect(header).toMatchObject({ format: "smpsim-log", version: 1, toolVersion: version });
  });
});

describe("replay --verify of an altered log", () => {
  function altered(name: string, edit: (lines: string[]) => void): string {
    smpsim("run", "tlb-shootdown-munmap", "--log", name);
    const lines = readFileSync(join(box.cwd, name), "utf8").split("\n");
    edit(lines);
    writeFileSync(join(box.cwd, name), lines.join("\n"));
    return name;
  }
  /** An older smpsim's footer has no digest of the header (the edited header would not match it). */
  const asWrittenBefore = (lines: string[]): void => {
    const f = lines.map((l) => l.startsWith('{"end":')).lastIndexOf(true);
    lines[f] = lines[f]!.replace(/,"header":"[0-9a-f]+"/, "");
  };
  const fillPa = (lines: string[]) => {
    const i = lines.findIndex((l) => l.includes('"type":"tlb.fill"'));
    const ev = JSON.parse(lines[i]!) as { entry: { pa: number } };
    ev.entry.pa += 0x1000;
    lines[i] = JSON.stringify(ev);
  };

  it("names the first differing field, not only the line", () => {
    const r = smpsim("replay", altered("b.log", fillPa), "--verify");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /re-execution DIVERGED at event \d+: the event differs \(field entry\.pa: logged \d+, re-executed \d+\)/,
    );
    expect(r.stdout).not.toMatch(/^note: this log was written by/m);
  });

  it("says first when the log came from another smpsim version", () => {
    const r = smpsim(
      "replay",
      altered("c.log", (lines) => {
        fillPa(lines);
        lines[0] = lines[0]!.replace(`"toolVersion":"${version}"`, '"toolVersion":"0.0.1"');
        asWrittenBefore(lines);
      }),
      "--verify",
    );
    const note = r.stdout.indexOf(`note: this log was written by smpsim 0.0.1, and this is smpsim ${version}`);
    expect(note).toBeGreaterThan(-1);
    expect(note).toBeLessThan(r.stdout.indexOf("DIVERGED"));
  });

  it("reads a log from before the header had a tool version", () => {
    const r = smpsim(
      "replay",
      altered("d.log", (lines) => {
        lines[0] = lines[0]!.replace(`"toolVersion":"${version}",`, "");
        asWrittenBefore(lines);
      }),
      "--verify",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/written by an smpsim from before logs recorded their version/);
  });
});

describe("firstDifference", () => {
  it("walks objects and arrays to the first differing leaf", () => {
    expect(firstDifference({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3] } })).toEqual({
      path: "b.c[1]",
      logged: 2,
      reexecuted: 3,
    });
    expect(firstDifference({ a: 1 }, { a: 1 })).toBeNull();
    expect(describeDifference(firstDifference({ a: 1 }, { a: 1, z: 2 })!)).toBe("field z: logged (absent), re-executed 2");
  });
});
