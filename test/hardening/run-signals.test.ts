/**
 * A long `run` stopped by Ctrl-C or SIGTERM removes its unfinished log and exits 130 / 143 (issue 15,
 * item 11): the real binary, a signal once the `.tmp` is being written, then the folder is checked.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, ensureCliBuilt, tempDir } from "../cli/spawn.js";

ensureCliBuilt();

/** The default scenario made to run for minutes: one task reads a page a hundred million times. */
const LONG = [
  "--set",
  "machine.maxEvents=100000000",
  "--set",
  'tasks.0.script=[{"op":"repeat","times":100000000,"body":[{"op":"read","va":"0x8000"}]}]',
];

function stopRun(signal: "SIGINT" | "SIGTERM"): Promise<{ code: number | null; stderr: string; dir: string; tmpSeen: boolean }> {
  const dir = tempDir();
  const child = spawn(process.execPath, [bin, "run", "default", ...LONG, "--log", "long.log"], { cwd: dir });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((done, fail) => {
    let tmpSeen = false;
    const started = Date.now();
    // Signal once the temporary log has grown past 1 MB: the run is well inside its loop then.
    const poll = setInterval(() => {
      const tmp = readdirSync(dir).find((n) => n.endsWith(".tmp"));
      if (tmp && statSync(join(dir, tmp)).size > 1 << 20) {
        tmpSeen = true;
        clearInterval(poll);
        child.kill(signal);
      } else if (Date.now() - started > 30_000) {
        clearInterval(poll);
        child.kill("SIGKILL");
        fail(new Error("the run never started writing its log"));
      }
    }, 50);
    child.on("exit", (code) => done({ code, stderr, dir, tmpSeen }));
  });
}

describe("run stopped by a signal", () => {
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal}: exits ${code}, says so in one line, and leaves neither the .tmp nor a target`, async () => {
      const r = await stopRun(signal);
      expect(r.tmpSeen).toBe(true);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toContain(`stopped by ${signal}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(readdirSync(r.dir)).toEqual([]);
      expect(existsSync(join(r.dir, "long.log"))).toBe(false);
    }, 60_000);
  }
});
