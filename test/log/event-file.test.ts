/**
 * Logs of any size in the debugger and the viewer (issue 15, item 8): an opened log keeps the byte
 * offsets of its blocks of events and a bounded cache of parsed blocks, not the events. Checked with a
 * small block and cache (the mechanism), against the events the run made, in any order of access; and
 * the real binary on a log whose events would not fit the heap it is given (debug, ui, and trace,
 * whose output is sorted through run files: src/trace/spill-sort.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../../scenarios/index.js";
import { FileEvents } from "../../src/log/event-file.js";
import { runScenario, type RunResult } from "../../src/run/run-scenario.js";
import { openLog, timelineOf, type OpenedLog } from "../../src/timetravel/open.js";
import { Timeline } from "../../src/timetravel/timeline.js";
import { stateHash } from "../../src/state/hash.js";
import { bin, ensureCliBuilt, smpsimIn } from "../cli/spawn.js";
import { builtin } from "../support/sim.js";
import { spawn, spawnSync } from "node:child_process";

const dir = mkdtempSync(join(tmpdir(), "smpsim-evfile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const check = (raw: unknown, where: string) => catalog.check(raw, where);

let run: RunResult;
let path: string;
let opened: OpenedLog;
beforeAll(async () => {
  path = join(dir, "munmap.log");
  run = await runScenario({
    scenario: builtin("tlb-shootdown-munmap"),
    baseDir: process.cwd(),
    seed: 3,
    strategy: "random",
    keepEvents: true,
    log: { path, force: true },
  });
  opened = await openLog(path, check, false, { block: 16, cacheBlocks: 3, k: 8 });
});

describe("events read from the file on demand", () => {
  it("gives every event as the run made it, in any order, holding at most the cache's blocks", () => {
    const events = opened.log.events;
    if (!(events instanceof FileEvents)) throw new Error("expected the events to be read from the file");
    expect(events.length).toBe(run.events.length);
    expect(run.events.length).toBeGreaterThan(16 * 5);
    fc.assert(
      fc.property(fc.array(fc.nat(run.events.length - 1), { minLength: 1, maxLength: 60 }), (order) => {
        for (const i of order) {
          expect(events.at(i)).toEqual(run.events[i]);
          expect(events.cached).toBeLessThanOrEqual(3);
        }
      }),
      { numRuns: 100, seed: 15 },
    );
    expect([...events]).toEqual(run.events);
    expect(events.slice(40, 70)).toEqual(run.events.slice(40, 70));
    expect(events.at(run.events.length)).toBeUndefined();
  });

  it("a timeline over the file is the timeline over the events: the same state at every position", () => {
    const fromFile = timelineOf(opened, 8);
    const inMemory = new Timeline(opened.initial(), run.events, 8);
    for (let n = run.events.length; n >= 0; n -= 7) expect(stateHash(fromFile.state(n))).toBe(stateHash(inMemory.state(n)));
    const pred = fromFile.predicate("type=tlbi");
    expect(fromFile.find(pred)).toEqual(inMemory.find(inMemory.predicate("type=tlbi")));
  });

  it("a log changed on disk after it was opened is an error naming the line, not a wrong event", async () => {
    const copy = join(dir, "changed.log");
    writeFileSync(copy, readFileSync(path));
    const o = await openLog(copy, check, false, { block: 16, cacheBlocks: 1, k: null });
    const text = readFileSync(copy, "utf8").split("\n");
    // Event #40 (line 42) made another event of the same length: its seq is now wrong.
    text[41] = text[41]!.replace(`"seq":40,`, `"seq":49,`);
    writeFileSync(copy, text.join("\n"));
    expect(() => o.log.events.at(40)).toThrow(/changed\.log: line 42: the log changed on disk/);
  });
});

describe("the binary on a log larger than its heap allows to hold", () => {
  let cwd = "";
  beforeAll(() => {
    ensureCliBuilt();
    cwd = mkdtempSync(join(tmpdir(), "smpsim-big-"));
    // 200,000 events (about 17 MB of log): held as objects they take 24 MB of heap on their own (measured
    // with JSON.parse per line), so neither debug nor ui could hold them in 24 MB; both run in under 16 MB.
    const long = [
      "--set",
      "machine.maxEvents=200000",
      "--set",
      'tasks.0.script=[{"op":"repeat","times":100000000,"body":[{"op":"read","va":"0x8000"}]}]',
    ];
    expect(smpsimIn(cwd, ["run", "default", ...long, "--log", "big.log"], { timeout: 120_000 }).code).toBe(0);
  }, 180_000);
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("debug goes anywhere in it with a 24 MB heap", () => {
    const r = spawnSync(
      process.execPath,
      [
        "--max-old-space-size=24",
        bin,
        "debug",
        "big.log",
        "--eval",
        "goto end; back 3; goto 100000; find type=ipi.send; goto start; step",
      ],
      { cwd, encoding: "utf8", timeout: 180_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("at #100000");
    expect(r.stdout).toContain("find type=ipi.send");
  }, 200_000);

  it("ui serves its end, its middle and its start with a 24 MB heap", async () => {
    const child = spawn(process.execPath, ["--max-old-space-size=24", bin, "ui", "big.log", "--port", "0"], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    const exited = new Promise<number | null>((done) => child.on("exit", done));
    try {
      const url = await new Promise<string>((done, fail) => {
        const t0 = Date.now();
        const poll = setInterval(() => {
          const m = /at (http:\/\/\S+?)\/?\s/.exec(out);
          if (m || Date.now() - t0 > 150_000) {
            clearInterval(poll);
            if (m) done(m[1]!);
            else fail(new Error(`no address: ${out}`));
          }
        }, 100);
      });
      for (const q of ["events?from=199900&to=200000", "state?at=100000", "diff?at=1", "events?from=0&to=50"]) {
        const r = await fetch(`${url}/api/${q}`);
        expect(r.status, q).toBe(200);
      }
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  }, 200_000);

  it("trace writes it with a 32 MB heap (an export that held every trace event ran out at 48 MB on this log)", () => {
    const r = spawnSync(process.execPath, ["--max-old-space-size=32", bin, "trace", "big.log", "-o", "big.json"], {
      cwd,
      encoding: "utf8",
      timeout: 180_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const m = /^trace big\.json: (\d+) trace events from 200000 log events/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    // One event a line between the header line and the closing one; the file is whole.
    const text = readFileSync(join(cwd, "big.json"), "utf8");
    expect(text.split("\n").length - 3).toBe(Number(m![1]));
    expect(text.endsWith("}}\n")).toBe(true);
  }, 200_000);
});
