/**
 * Files (issue 15, item 11): a scenario with a byte order mark reads, one with a key given twice is bad
 * input naming the line; a run never replaces a log another run put in place meanwhile (the target is
 * created exclusively); temporary logs left by killed runs are removed and reported by the next run.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeHeader } from "../../src/log/format.js";
import { LogExistsError, LogWriter } from "../../src/log/writer.js";
import { builtin } from "../support/sim.js";
import { BIN } from "../kernel/kernel-helpers.js";
import { isCleanBadInput, smpsim, tempDir } from "./inproc.js";

const { dir, cleanup } = tempDir("files");
afterAll(cleanup);

const scenarioText = JSON.stringify(
  {
    id: "s",
    machine: { cores: 1 },
    tables: { A: { "0x8000": { pa: "0x10000" } } },
    tasks: [{ id: "A", mm: "A", script: [{ op: "read", va: "0x8000" }] }],
  },
  null,
  1,
);

describe("scenario files", () => {
  it("a UTF-8 byte order mark is not a JSON error", async () => {
    const f = join(dir, "bom.json");
    writeFileSync(f, "\uFEFF" + scenarioText);
    expect((await smpsim(["run", f, "--no-log"])).status).toBe(0);
  });

  it("a key given twice in one object is bad input naming the line and key", async () => {
    const f = join(dir, "dup.json");
    writeFileSync(f, scenarioText.replace('"cores": 1', '"cores": 1,\n  "cores": 2'));
    const r = await smpsim(["run", f, "--no-log"]);
    expect(isCleanBadInput(r), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/dup\.json: line \d+, column \d+: key "cores" appears twice/);
  });

  it("the same key in two different objects is fine", async () => {
    const f = join(dir, "nodup.json");
    writeFileSync(f, scenarioText);
    expect((await smpsim(["run", f, "--no-log"])).status).toBe(0);
  });
});

describe("the log target", () => {
  it("a target that appears during the run is kept, and the run's temporary file removed", () => {
    const target = join(dir, "race.log");
    const w = new LogWriter(target, makeHeader(builtin("default"), 1, "random"), false);
    writeFileSync(target, "someone else's\n");
    expect(() => w.finish({ end: { reason: "done", events: 0, stateHash: "0", schedule: "" } }, false)).toThrow(LogExistsError);
    expect(readFileSync(target, "utf8")).toBe("someone else's\n");
    expect(readdirSync(dir).filter((n) => n.includes("race.log") && n.endsWith(".tmp"))).toEqual([]);
  });

  it("a temporary log left by a killed run is removed by the next run, which says so", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 100)"]);
    const pid = child.pid!;
    await new Promise((r) => child.on("exit", r));
    const stale = join(dir, `.old.log.${pid}.tmp`);
    writeFileSync(stale, "half a log");
    const r = await smpsim(["run", "default", "--log", join(dir, "next.log")]);
    expect(r.status).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(r.stderr).toContain(stale);
  });

  it("a run killed while writing leaves no target (and no partial one)", async () => {
    const target = join(dir, "killed.log");
    const child = spawn(process.execPath, [BIN, "run", "default", "--set", "tasks.0.script.0.times=100000", "--log", target], {
      stdio: "ignore",
    });
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    expect(existsSync(target)).toBe(false);
  }, 20_000);
});
