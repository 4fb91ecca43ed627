/** A long exploration as a user meets it off a terminal: progress lines, a time limit, Ctrl-C. */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/cli/search-watch.js";
import { bin, cliSandbox, smpsimIn } from "./spawn.js";

const box = cliSandbox();

/** Starts smpsim, sends `signal` once stderr shows the search has started and `afterMs` passed. */
function interrupted(
  args: string[],
  signal: NodeJS.Signals,
  afterMs: number,
  /** Deliver it twice, back to back, as `timeout` (the child, then its process group) does. */
  twice = false,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: box.cwd, stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (d: Buffer) => {
    out.stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => void (out.stderr += d.toString()));
  // Once SEED= is out the handlers are in place (they are set before the search starts); --json
  // prints nothing on stdout before the end, so then the first progress line on stderr (after about
  // 5 s) says the search runs: a fixed start-up allowance was too short on a loaded machine.
  const poll = setInterval(() => {
    if (out.stdout.includes("SEED=") || (args.includes("--json") && /: \d+ schedules, /.test(out.stderr))) {
      clearInterval(poll);
      setTimeout(() => {
        child.kill(signal);
        if (twice) child.kill(signal);
      }, afterMs);
    }
  }, 20);
  return new Promise((done) => child.on("exit", (code) => done({ code, ...out })));
}

const long = ["explore", "asid-small-generation", "--budget", "100000000"];

describe("explore off a terminal", () => {
  it("prints SEED= first", () => {
    const r = smpsimIn(box.cwd, ["explore", "tlb-shootdown-munmap", "--budget", "20"]);
    expect(r.stdout.split("\n")[0]).toMatch(/^SEED=1 {2}explore tlb-shootdown-munmap --strategy random, budget 20$/);
  });

  it("stops at --time with the coverage so far, and prints progress lines while it runs", () => {
    const r = smpsimIn(box.cwd, [...long, "--time", "6s"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stopped by the time limit after \d+ s: no violation in \d+ schedules/);
    expect(r.stdout).toMatch(/^coverage: \d+ schedules/m);
    expect(r.stderr).toMatch(/^explore asid-small-generation random: \d+ schedules, \d+\/s, \d+ states seen, found 0, \d+ s$/m);
  }, 30_000);

  it("stops cleanly on SIGINT with the partial coverage, exit 130", async () => {
    const r = await interrupted(long, "SIGINT", 800);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: stopping after the current schedule/);
    expect(r.stdout).toMatch(/stopped by SIGINT after \d+ s: no violation in \d+ schedules/);
    expect(r.stdout).toMatch(/^coverage: \d+ schedules, \d+ distinct final states/m);
  }, 30_000);

  it("stops every worker on SIGTERM, exit 143", async () => {
    const r = await interrupted([...long, "--workers", "2", "--json"], "SIGTERM", 1500);
    expect(r.code).toBe(143);
    const j = JSON.parse(r.stdout) as { stopped: string; schedules: number; verdict: string };
    expect(j).toMatchObject({ stopped: "SIGTERM", verdict: "clean" });
    expect(j.schedules).toBeGreaterThan(0);
  }, 30_000);
});

describe("a stop delivered twice", () => {
  it("SIGTERM twice within a second (timeout's way) is one stop: the coverage is printed, exit 143", async () => {
    const r = await interrupted([...long, "--json"], "SIGTERM", 200, true);
    expect(r.code).toBe(143);
    const j = JSON.parse(r.stdout) as { stopped: string; schedules: number };
    expect(j.stopped).toBe("SIGTERM");
    expect(j.schedules).toBeGreaterThan(0);
  }, 30_000);
});

describe("a bounded search", () => {
  it("says that bugs needing more preemptions may lie beyond an exhausted bound", () => {
    const r = smpsimIn(box.cwd, [
      "explore",
      "asid-small-generation",
      "--strategy",
      "dpor",
      "--preemptions",
      "1",
      "--budget",
      "10000",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /the space within 1 preemption was exhausted \(a bug that needs more than 1 preemption may lie beyond it: raise --preemptions, or drop it for unbounded DPOR\)/,
    );
  });
});

describe("--time", () => {
  it("reads durations as a user writes them", () => {
    expect([parseDuration("90"), parseDuration("90s"), parseDuration("10m"), parseDuration("1h30m")]).toEqual([
      90, 90, 600, 5400,
    ]);
    expect(() => parseDuration("ten minutes")).toThrow(/--time wants a duration like 90s, 10m or 1h30m/);
    expect(() => parseDuration("0s")).toThrow();
  });
});
