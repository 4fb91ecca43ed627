/**
 * `smpsim explore` as users run it (the built binary, bin/smpsim.js over dist/): a violation is shrunk,
 * saved as a counterexample log and a schedule file that `replay`, `run --schedule` and `debug` take,
 * and printed as per-core columns (exit 1); a clean search reports its coverage (exit 0); bad input
 * exits 2 with one line on stderr; existing counterexamples are not overwritten without --force.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, smpsim as spawnCli, type CliResult } from "./explore-helpers.js";

let cwd = "";
beforeAll(() => {
  ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), "smpsim-explore-cli-"));
}, 120_000);
afterAll(() => {
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

const smpsim = (...args: string[]): CliResult => spawnCli(cwd, ...args);
const at = (...parts: string[]): string => join(cwd, ...parts);

/** Exit 2 with exactly one line on stderr, as the command-line contract says. */
function badInput(r: CliResult): string {
  expect(r.code, r.stderr + r.stdout).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0]!;
}

describe("explore tlb-shootdown-munmap-local-only --strategy pct --budget 2000 --out DIR", () => {
  let first: CliResult;
  const dir = () => at("pct");
  beforeAll(() => {
    first = smpsim("explore", "tlb-shootdown-munmap-local-only", "--strategy", "pct", "--budget", "2000", "--out", dir());
  });

  it("exits 1 and names the violated invariant", () => {
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toMatch(/VIOLATION of translation-coherence in schedule #\d+ of \d+/);
    expect(first.stdout).toMatch(/shrunk from \d+ choices to \d+/);
    expect(first.stdout).toMatch(/coverage: \d+ schedules, \d+ distinct final states, \d+ distinct states seen/);
  });

  it("writes DIR/counterexample.log and DIR/schedule.txt, and prints the same schedule", () => {
    expect(existsSync(join(dir(), "counterexample.log"))).toBe(true);
    const schedule = readFileSync(join(dir(), "schedule.txt"), "utf8");
    expect(schedule.endsWith("\n")).toBe(true);
    expect(schedule.trim()).not.toBe("");
    expect(first.stdout).toContain(`schedule: ${schedule.trim()}\n`);
    const log = readFileSync(join(dir(), "counterexample.log"), "utf8").trimEnd().split("\n");
    expect(JSON.parse(log[0]!)).toMatchObject({ format: "smpsim-log", scenario: "tlb-shootdown-munmap-local-only" });
    expect(JSON.parse(log.at(-1)!)).toMatchObject({ end: { schedule: schedule.trim() } });
  });

  it("prints the interleaving as per-core columns ending with the violation", () => {
    const lines = first.stdout.split("\n");
    const head = lines.findIndex((l) => /^\s+seq\s+core 0\s+core 1\s*$/.test(l));
    expect(head, first.stdout).toBeGreaterThan(0);
    const c1 = lines[head]!.indexOf("core 1");
    const rows = lines.slice(head + 1, lines.indexOf("", head));
    expect(rows.length).toBeGreaterThan(4);
    expect(rows.at(-1)).toContain("VIOLATION translation-coherence");
    // Both cores have rows, each in its own column.
    const onCore1 = rows.filter((r) => r.length > c1 && r.slice(8, c1).trim() === "");
    const onCore0 = rows.filter((r) => r.slice(8, c1).trim() !== "" && r.slice(c1).trim() === "" && !r.includes("VIOLATION"));
    expect(onCore0.length).toBeGreaterThan(0);
    expect(onCore1.length).toBeGreaterThan(0);
  });

  it("`smpsim replay DIR/counterexample.log` reproduces the violation (exit 1), and --verify verifies it", () => {
    const r = smpsim("replay", join(dir(), "counterexample.log"));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/VIOLATION of translation-coherence at event \d+/);
    const v = smpsim("replay", join(dir(), "counterexample.log"), "--verify");
    expect(v.code, v.stderr).toBe(1);
    expect(v.stdout).toMatch(/verified/);
    expect(v.stdout).not.toMatch(/diverge/i);
  });

  it('`smpsim run <scenario> --schedule "$(cat DIR/schedule.txt)" --no-log` hits the same violation at the same event', () => {
    const schedule = readFileSync(join(dir(), "schedule.txt"), "utf8").trim();
    const r = smpsim("run", "tlb-shootdown-munmap-local-only", "--schedule", schedule, "--no-log");
    expect(r.code, r.stderr).toBe(1);
    const event = (s: string) => /VIOLATION of translation-coherence at event (\d+)/.exec(s)?.[1];
    expect(event(r.stdout)).toBeDefined();
    expect(event(r.stdout)).toBe(event(smpsim("replay", join(dir(), "counterexample.log")).stdout));
  });

  it("`smpsim debug` reaches the violating event of the counterexample", () => {
    const r = smpsim("debug", join(dir(), "counterexample.log"), "--eval", "next type=violation; where 3");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/at #\d+ .*VIOLATION translation-coherence/);
  });

  // Issue 6 says the counterexample is "a log that ... `smpsim debug` opens at the violating event";
  // src/cli/debug opens every log at the start ("(start)"), so a user must `goto end` first.
  it("`smpsim debug` opens the counterexample at the violating event", () => {
    const r = smpsim("debug", join(dir(), "counterexample.log"), "--eval", "where 1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[1]).toMatch(/VIOLATION translation-coherence/);
  });

  it("a second explore into the same DIR without --force exits 2 and leaves both files as they were", () => {
    const files = ["counterexample.log", "schedule.txt"].map((f) => join(dir(), f));
    const before = files.map((f) => [readFileSync(f, "utf8"), statSync(f).mtimeMs] as const);
    const r = smpsim("explore", "tlb-shootdown-munmap-local-only", "--strategy", "random", "--budget", "2000", "--out", dir());
    expect(badInput(r)).toMatch(/counterexample\.log exists.*--force/);
    expect(r.stdout).toBe("");
    expect(files.map((f) => [readFileSync(f, "utf8"), statSync(f).mtimeMs] as const)).toEqual(before);
  });

  it("with --force it replaces them", () => {
    const r = smpsim(
      "explore",
      "tlb-shootdown-munmap-local-only",
      "--strategy",
      "random",
      "--seed",
      "3",
      "--budget",
      "2000",
      "--out",
      dir(),
      "--force",
    );
    expect(r.code, r.stderr).toBe(1);
    const schedule = readFileSync(join(dir(), "schedule.txt"), "utf8").trim();
    expect(r.stdout).toContain(`schedule: ${schedule}\n`);
    expect(smpsim("replay", join(dir(), "counterexample.log")).code).toBe(1);
  });
});

describe("explore --json", () => {
  it("tlb-shootdown-munmap --strategy dpor exits 0: clean, exhausted, with coverage figures", () => {
    const r = smpsim("explore", "tlb-shootdown-munmap", "--strategy", "dpor", "--json", "--out", at("dpor-clean"));
    expect(r.code, r.stderr).toBe(0);
    // Nothing on stderr but the progress lines a search of more than a few seconds prints off a terminal.
    expect(r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("explore tlb-shootdown-munmap dpor: "))).toEqual([]);
    const o = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(o).toMatchObject({
      scenario: "tlb-shootdown-munmap",
      strategy: "dpor",
      verdict: "clean",
      exhausted: true,
      workers: 1,
    });
    for (const k of ["schedules", "events", "distinctFinalStates", "distinctStatesSeen"]) {
      expect(typeof o[k], k).toBe("number");
      expect(o[k] as number, k).toBeGreaterThan(0);
    }
    expect(o.schedules as number).toBeLessThanOrEqual(10_000);
    // Nothing found, nothing written.
    expect(existsSync(at("dpor-clean"))).toBe(false);
  });

  it("a found violation: one object with the violation, the shrunk schedule and the files", () => {
    const out = at("json-violation");
    const r = smpsim("explore", "tlb-shootdown-munmap-local-only", "--strategy", "dfs", "--json", "--out", out);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    const o = JSON.parse(r.stdout) as Record<string, unknown> & {
      shrunk: Record<string, number>;
      violation: Record<string, unknown>;
    };
    expect(o).toMatchObject({
      verdict: "violation",
      strategy: "dfs",
      exhausted: false,
      counterexample: join(out, "counterexample.log"),
      scheduleFile: join(out, "schedule.txt"),
    });
    expect(o.violation.invariant).toBe("translation-coherence");
    expect(o.schedule).toBe(readFileSync(join(out, "schedule.txt"), "utf8").trim());
    expect(o.shrunk.explicitChoices).toBeLessThanOrEqual(o.shrunk.choices!);
    expect(o.shrunk.attempts).toBeGreaterThan(0);
  });

  it("random and pct report exhausted null (they sample, they cannot exhaust)", () => {
    for (const strategy of ["random", "pct"]) {
      const r = smpsim(
        "explore",
        "tlb-shootdown-munmap",
        "--strategy",
        strategy,
        "--budget",
        "50",
        "--json",
        "--out",
        at(`sample-${strategy}`),
      );
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ verdict: "clean", exhausted: null, schedules: 50 });
    }
  });
});

describe("explore without --json", () => {
  it("a clean exhaustive search prints its coverage and that the space within its bound was exhausted; no progress bar off a terminal", () => {
    const r = smpsim("explore", "tlb-shootdown-munmap", "--strategy", "dfs", "--preemptions", "1", "--out", at("dfs-clean"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/--strategy dfs --preemptions 1: no violation in \d+ schedules/);
    expect(r.stdout).toMatch(
      /coverage: \d+ schedules, \d+ distinct final states, \d+ distinct states seen; the space within 1 preemption was exhausted/,
    );
    // eslint-disable-next-line no-control-regex -- no carriage returns or ANSI escapes in piped output
    expect(r.stdout + r.stderr).not.toMatch(/\r|\x1b\[/);
  });

  it("without --out the counterexample goes to a fresh smpsim-explore/<scenario>-<strategy>[-N]", () => {
    const first = at("smpsim-explore", "tlb-shootdown-munmap-local-only-dpor");
    const r = smpsim("explore", "tlb-shootdown-munmap-local-only", "--strategy", "dpor");
    expect(r.code, r.stderr).toBe(1);
    expect(existsSync(join(first, "counterexample.log"))).toBe(true);
    expect(existsSync(join(first, "schedule.txt"))).toBe(true);
    const before = readFileSync(join(first, "counterexample.log"), "utf8");
    // A second search neither fails nor clobbers the first one's files.
    const again = smpsim("explore", "tlb-shootdown-munmap-local-only", "--strategy", "dpor");
    expect(again.code, again.stderr).toBe(1);
    expect(existsSync(join(`${first}-2`, "counterexample.log"))).toBe(true);
    expect(readFileSync(join(first, "counterexample.log"), "utf8")).toBe(before);
  });
});

describe("the acceptance runs on asid-switch-no-reserved", () => {
  it.each(["pct", "dpor"])(
    "--strategy %s --budget 20000 finds the coherence violation and the saved log replays to it",
    (strategy) => {
      const out = at(`no-reserved-${strategy}`);
      const r = smpsim("explore", "asid-switch-no-reserved", "--strategy", strategy, "--budget", "20000", "--out", out);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/VIOLATION of translation-coherence/);
      const replay = smpsim("replay", join(out, "counterexample.log"), "--verify");
      expect(replay.code, replay.stderr).toBe(1);
      expect(replay.stdout).toMatch(/VIOLATION of translation-coherence/);
      expect(replay.stdout).toMatch(/verified/);
    },
  );
});

describe("bad input exits 2 with one line on stderr", () => {
  it.each([
    [["--strategy", "bogus"], /--strategy must be one of random, pct, dfs, dpor/],
    [["--budget", "0"], /--budget/],
    [["--budget", "lots"], /--budget/],
    [["--depth", "0"], /--depth/],
    [["--workers", "0"], /--workers/],
    [["--seed", "x"], /--seed/],
    [["--preemptions=-1"], /--preemptions/],
    [["--bogus"], /--bogus/],
    [["--set", "nosuch=1"], /nosuch/],
  ] as [string[], RegExp][])("explore tlb-shootdown-munmap %j", (args, reason) => {
    expect(badInput(smpsim("explore", "tlb-shootdown-munmap", ...args, "--out", at("bad")))).toMatch(reason);
    expect(existsSync(at("bad"))).toBe(false);
  });

  it("an unknown scenario", () => {
    expect(badInput(smpsim("explore", "no-such-scenario"))).toMatch(/no-such-scenario/);
  });

  it("no scenario, or two", () => {
    badInput(smpsim("explore"));
    badInput(smpsim("explore", "tlb-shootdown-munmap", "tlb-shootdown-munmap-local-only"));
  });
});

describe("explore --help", () => {
  it("prints the usage with every option and exits 0", () => {
    const r = smpsim("explore", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: smpsim explore <scenario>/);
    for (const opt of [
      "--strategy",
      "--budget",
      "--depth",
      "--preemptions",
      "--seed",
      "--workers",
      "--out",
      "--force",
      "--set",
      "--json",
    ])
      expect(r.stdout).toContain(opt);
  });
});
