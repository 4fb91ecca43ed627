/**
 * The `smpsim` command as users run it: these tests spawn the real binary (bin/smpsim.js, which runs
 * the compiled dist/). `npm test` compiles first; under a bare `npx vitest`, the global set-up
 * (test/support/fresh-dist.ts) recompiles when any source file is newer than dist/.
 * Each test works in its own temporary directory, so default log paths land there.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { builtin, runWith } from "../support/sim.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = join(root, "bin/smpsim.js");

beforeAll(() => {
  if (existsSync(join(root, "dist/src/cli/main.js"))) return;
  const tsc = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", root], { encoding: "utf8" });
  if (!existsSync(join(root, "dist/src/cli/main.js"))) throw new Error(`could not build dist/: ${tsc.stdout}${tsc.stderr}`);
}, 120_000);

let cwd = "";
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "smpsim-cli-"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function smpsim(...args: string[]): Result {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 with exactly one line on stderr, as the command-line contract says. */
function badInput(r: Result): string {
  expect(r.code, r.stderr + r.stdout).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0]!;
}

const at = (name: string): string => join(cwd, name);

describe("help and usage", () => {
  const helps = [["--help"], ["list", "--help"], ["run", "--help"], ["replay", "--help"], ["run", "-h"]];
  it.each(helps.map((args) => [args.join(" "), args] as const))("smpsim %s prints usage and exits 0", (_name, args) => {
    const r = smpsim(...args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: smpsim/);
  });

  it("exits 2 with the usage when no command is given", () => {
    const r = smpsim();
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^usage: smpsim/);
  });

  it("exits 2 on an unknown option, naming it", () => {
    expect(badInput(smpsim("run", "tlb-shootdown-munmap", "--frobnicate"))).toContain("--frobnicate");
    expect(badInput(smpsim("replay", "x.log", "--bogus"))).toContain("--bogus");
  });

  it("exits 2 on an unknown command, a missing argument and a bad seed", () => {
    expect(badInput(smpsim("explode"))).toContain('"explode"');
    expect(badInput(smpsim("run"))).toMatch(/run: expected 1 argument/);
    expect(badInput(smpsim("run", "tlb-shootdown-munmap", "--seed", "abc", "--no-log"))).toContain("--seed");
  });
});

describe("list", () => {
  const ids = ["default", "tlb-shootdown-munmap", "tlb-shootdown-munmap-local-only"];

  it("lists the built-in scenarios one per line", () => {
    const r = smpsim("list");
    expect(r.code).toBe(0);
    const names = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => l.split(/\s+/)[0]);
    for (const id of ids) expect(names).toContain(id);
    expect(r.stdout).toMatch(/tlb-shootdown-munmap-local-only\s+violation\s+/);
  });

  it("prints one JSON object with --json", () => {
    const r = smpsim("list", "--json");
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
    const j = JSON.parse(r.stdout) as { scenarios: { id: string }[] };
    for (const id of ids) expect(j.scenarios.map((s) => s.id)).toContain(id);
  });
});

describe("run", () => {
  it("runs a scenario, prints its summary and writes the log where --log says", () => {
    const r = smpsim("run", "tlb-shootdown-munmap", "--seed", "3", "--log", "a.log");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^SEED=3 /);
    expect(r.stdout).toContain("verdict: clean");
    expect(r.stdout).toContain("log: a.log");
    const lines = readFileSync(at("a.log"), "utf8").trimEnd().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: "smpsim-log", scenario: "tlb-shootdown-munmap", seed: 3 });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ end: { reason: "done", events: lines.length - 2 } });
  });

  it("writes byte-identical logs for the same seed", () => {
    expect(smpsim("run", "default", "--seed", "11", "--log", "a.log").code).toBe(0);
    expect(smpsim("run", "default", "--seed", "11", "--log", "b.log").code).toBe(0);
    expect(readFileSync(at("b.log")).equals(readFileSync(at("a.log")))).toBe(true);
    expect(smpsim("run", "default", "--seed", "12", "--log", "c.log").code).toBe(0);
    expect(readFileSync(at("c.log")).equals(readFileSync(at("a.log")))).toBe(false);
  });

  it("never overwrites a default log path: a second, different run gets a new name", () => {
    expect(smpsim("run", "tlb-shootdown-munmap").code).toBe(0);
    const before = readFileSync(at("smpsim-runs/tlb-shootdown-munmap-seed1.log"));
    expect(smpsim("run", "tlb-shootdown-munmap", "--set", "machine.tlbEntries=8").code).toBe(0);
    expect(readdirSync(at("smpsim-runs")).sort()).toEqual(["tlb-shootdown-munmap-seed1-2.log", "tlb-shootdown-munmap-seed1.log"]);
    expect(readFileSync(at("smpsim-runs/tlb-shootdown-munmap-seed1.log")).equals(before)).toBe(true);
  });

  it("reuses the default log of an identical earlier run instead of writing a copy", () => {
    expect(smpsim("run", "tlb-shootdown-munmap").code).toBe(0);
    const again = smpsim("run", "tlb-shootdown-munmap");
    expect(again.stdout).toMatch(
      /^log: smpsim-runs\/tlb-shootdown-munmap-seed1\.log \(this run's log is identical to it, so no new file\)$/m,
    );
    expect(readdirSync(at("smpsim-runs"))).toEqual(["tlb-shootdown-munmap-seed1.log"]);
  });

  it("exits 2 and leaves an existing --log file untouched, and replaces it with --force", () => {
    writeFileSync(at("keep.log"), "do not touch\n");
    const line = badInput(smpsim("run", "tlb-shootdown-munmap", "--log", "keep.log"));
    expect(line).toContain("keep.log");
    expect(readFileSync(at("keep.log"), "utf8")).toBe("do not touch\n");
    expect(readdirSync(cwd)).toEqual(["keep.log"]);
    expect(smpsim("run", "tlb-shootdown-munmap", "--log", "keep.log", "--force").code).toBe(0);
    expect(readFileSync(at("keep.log"), "utf8")).toMatch(/^\{"format":"smpsim-log"/);
  });

  it("exits 2 naming the log file when its directory does not exist", () => {
    expect(badInput(smpsim("run", "tlb-shootdown-munmap", "--log", "no/such/dir/x.log"))).toContain("no/such/dir/x.log");
  });

  it("prints exactly one JSON object with --json", () => {
    const r = smpsim("run", "tlb-shootdown-munmap", "--seed", "4", "--json", "--no-log");
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ scenario: "tlb-shootdown-munmap", seed: 4, verdict: "clean", violation: null, log: null });
    expect(j.events).toBeGreaterThan(0);
    expect(j.perCore).toHaveLength(2);
  });

  it("exits 2 for a scenario file with malformed JSON, naming the file and the line", () => {
    writeFileSync(at("broken.json"), '{\n  "id": "x"\n  "tasks": []\n}\n');
    const line = badInput(smpsim("run", "broken.json", "--no-log"));
    expect(line).toContain("broken.json: line 3");
    expect(line).toContain("not valid JSON");
  });

  it("keeps the reason to one line even when the JSON error quotes the file", () => {
    writeFileSync(at("comma.json"), '{\n  "id": "x",\n  "tasks": [1,],\n  "b": 2\n}\n');
    expect(badInput(smpsim("run", "comma.json", "--no-log"))).toMatch(/comma\.json: line \d+/);
  });

  it("exits 2 for a scenario file with a bad field, naming the file and the field", () => {
    writeFileSync(
      at("field.json"),
      JSON.stringify({ id: "x", machine: { cores: 99 }, tasks: [{ id: "t", mm: "A", script: [] }] }),
    );
    expect(badInput(smpsim("run", "field.json", "--no-log"))).toMatch(/field\.json: machine\.cores: /);
  });

  it("exits 2 for an unknown scenario name", () => {
    expect(badInput(smpsim("run", "no-such-scenario", "--no-log"))).toContain("no-such-scenario");
  });

  it("exits 2 for a schedule that does not fit the scenario, and writes no log", () => {
    expect(badInput(smpsim("run", "tlb-shootdown-munmap", "--schedule", "(zz)", "--log", "s.log"))).toContain("schedule");
    expect(badInput(smpsim("run", "tlb-shootdown-munmap", "--schedule", "0#", "--log", "s.log"))).toContain("character 2");
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("exits 1 and prints VIOLATION for the local-only munmap under a seed that breaks it", () => {
    const scenario = builtin("tlb-shootdown-munmap-local-only");
    let seed = 0;
    while (seed < 300 && !runWith(scenario, { seed }).outcome.violation) seed++;
    expect(seed).toBeLessThan(300);
    const r = smpsim("run", "tlb-shootdown-munmap-local-only", "--seed", String(seed), "--log", "v.log");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /VIOLATION of translation-coherence at event \d+: core \d used a TLB entry for VA 0x8000 filled at event \d+/,
    );
    // Its log replays to the same verdict.
    const replay = smpsim("replay", "v.log", "--verify");
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain("VIOLATION of translation-coherence");
    expect(replay.stdout).toContain("verified");
  });
});

describe("replay", () => {
  function logLines(name: string): string[] {
    expect(smpsim("run", "tlb-shootdown-munmap", "--seed", "8", "--log", name).code).toBe(0);
    return readFileSync(at(name), "utf8").split("\n");
  }

  it("verifies an honest log and exits 0", () => {
    logLines("a.log");
    const r = smpsim("replay", "a.log", "--verify");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("matches the log");
    expect(r.stdout).toMatch(/re-execution: every event identical; verified/);
  });

  it("prints exactly one JSON object with --json", () => {
    logLines("a.log");
    const r = smpsim("replay", "a.log", "--verify", "--json");
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ verified: true, divergence: null, truncated: null, stateHashMatches: true });
  });

  it("exits 2 naming the line when a line in the middle is garbage", () => {
    const lines = logLines("a.log");
    lines[10] = "}} this is not an event {{";
    writeFileSync(at("bad.log"), lines.join("\n"));
    const line = badInput(smpsim("replay", "bad.log"));
    expect(line).toContain("bad.log: line 11");
  });

  it("reports a truncated log and replays its complete prefix; --verify compares it but does not pass it (exit 1)", () => {
    const lines = logLines("a.log");
    writeFileSync(at("cut.log"), lines.slice(0, 30).join("\n") + "\n" + lines[30]!.slice(0, 15));
    // A clean prefix: plain replay exits 0 (1 would mean the prefix showed a violation).
    expect(smpsim("replay", "cut.log").code).toBe(0);
    const r = smpsim("replay", "cut.log", "--verify");
    // The end of the run is not in the log (a deleted footer looks the same): not verified.
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toContain("truncated");
    expect(r.stdout).toContain("29 events (truncated)");
    expect(r.stdout).toContain("over the complete prefix");
  });

  it("reports a log cut after a complete line as truncated", () => {
    const lines = logLines("a.log");
    writeFileSync(at("cut.log"), lines.slice(0, 20).join("\n") + "\n");
    const r = smpsim("replay", "cut.log", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).truncated).toMatch(/without its footer/);
  });

  it("exits 1 and names the event when one event of the log was altered", () => {
    const lines = logLines("a.log");
    const ev = JSON.parse(lines[21]!) as { t: number };
    ev.t += 1;
    lines[21] = JSON.stringify(ev);
    writeFileSync(at("altered.log"), lines.join("\n"));
    const r = smpsim("replay", "altered.log", "--verify");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("re-execution DIVERGED at event 20");
  });

  it("exits 2 for a file that is not a log, and for one that does not exist", () => {
    writeFileSync(at("notes.txt"), "hello\n");
    expect(badInput(smpsim("replay", "notes.txt"))).toContain("notes.txt: line 1");
    expect(badInput(smpsim("replay", "missing.log"))).toContain("missing.log");
  });

  it("exits 2 when the config in the header is not a valid scenario", () => {
    const lines = logLines("a.log");
    const h = JSON.parse(lines[0]!) as { config: { machine: { cores: unknown } } };
    h.config.machine.cores = "many";
    lines[0] = JSON.stringify(h);
    writeFileSync(at("hdr.log"), lines.join("\n"));
    expect(badInput(smpsim("replay", "hdr.log"))).toMatch(/hdr\.log: line 1: config: machine\.cores/);
  });
});
