/**
 * Ctrl-C at the debugger interrupts a running command and returns to the prompt (issue 16, item 5):
 * the real binary over a long log, a search that scans the whole of it, SIGINT while it runs.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, ensureCliBuilt, smpsimIn, tempDir } from "./spawn.js";

let cwd = "";
beforeAll(() => {
  ensureCliBuilt();
  cwd = tempDir();
  // The default scenario with one task reading forever: 200,000 events, the lock never taken again (a
  // watch over them takes about 0.8 s of CPU here, several times the 150 ms before the interrupt).
  const long = [
    "--set",
    "machine.maxEvents=200000",
    "--set",
    'tasks.0.script=[{"op":"repeat","times":100000000,"body":[{"op":"read","va":"0x8000"}]}]',
  ];
  expect(smpsimIn(cwd, ["run", "default", ...long, "--log", "long.log"], { timeout: 120_000 }).code).toBe(0);
}, 180_000);
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function waitFor(get: () => string, text: string, ms: number): Promise<void> {
  return new Promise((done, fail) => {
    const t0 = Date.now();
    const poll = setInterval(() => {
      if (get().includes(text)) {
        clearInterval(poll);
        done();
      } else if (Date.now() - t0 > ms) {
        clearInterval(poll);
        fail(new Error(`no "${text}" within ${ms} ms; got: ${get()}`));
      }
    }, 20);
  });
}

describe("Ctrl-C at the debugger", () => {
  it("interrupts a long watch, keeps the cursor, and the session goes on", async () => {
    const child = spawn(process.execPath, [bin, "debug", "long.log"], { cwd, env: { ...process.env, SMPSIM_HISTORY: "" } });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const exited = new Promise<number | null>((done) => child.on("exit", done));
    await waitFor(() => out, "smpsim debug:", 120_000);
    child.stdin.write("goto 1000\n");
    await waitFor(() => out, "at #1000", 10_000);
    // The lock is never taken after the start: the watch scans to the end of the log unless stopped.
    child.stdin.write("watch lock cpu_asid_lock\n");
    await new Promise((r) => setTimeout(r, 150));
    child.kill("SIGINT");
    await waitFor(() => err, "interrupted: watch lock cpu_asid_lock", 10_000);
    expect(out).not.toContain("no later change");
    child.stdin.write("where 0\nquit\n");
    expect(await exited).toBe(0);
    // Still at #1000 after the interrupted watch.
    expect(out.split("watch lock")[0]!.length).toBeGreaterThan(0);
    expect(out.slice(out.lastIndexOf("at #"))).toMatch(/^at #1000\b/);
    expect(err).not.toMatch(/\n\s+at /);
  }, 180_000);
});
