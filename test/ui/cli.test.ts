/**
 * `smpsim ui` as a command: help, exit 2 with one line naming the problem (a bad log, a bad option, a
 * port in use), a truncated log served with a warning, and a clean exit on SIGTERM.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Meta } from "../../src/ui/protocol.js";
import { logTextOf } from "../support/sim.js";
import { runOf } from "./model-helpers.js";
import { bin, ensureBuilt, root, startUi } from "./spawn-ui.js";

let dir = "";
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "smpsim-ui-cli-"));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const smpsim = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", timeout: 30_000 });

function badInput(r: ReturnType<typeof smpsim>): string {
  expect(r.status, r.stderr + r.stdout).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0]!;
}

describe("smpsim ui", () => {
  it("prints its usage with --help and exits 0", () => {
    const r = smpsim("ui", "--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: smpsim ui <log> \[--port P\]/);
    expect(smpsim("--help").stdout).toMatch(/ui <log>/);
  });

  it("exits 2 with one line naming the file when the log is not a log", () => {
    const p = join(dir, "not-a-log.txt");
    writeFileSync(p, "hello\n");
    expect(badInput(smpsim("ui", p))).toMatch(new RegExp(`${p}: line 1: not a smpsim log`));
    expect(badInput(smpsim("ui", join(dir, "missing.log")))).toMatch(/missing\.log: cannot read: ENOENT/);
  });

  it("exits 2 on a bad option value or a missing log argument", () => {
    expect(badInput(smpsim("ui", "x.log", "--port", "70000"))).toMatch(/--port wants an integer from 0 to 65535/);
    expect(badInput(smpsim("ui"))).toMatch(/ui: expected 1 argument/);
  });

  it("exits 2 saying the port is in use when it is", async () => {
    const log = join(dir, "ok.log");
    writeFileSync(log, logTextOf(runOf("tlb-shootdown-munmap")));
    const busy: Server = createServer();
    await new Promise<void>((done) => busy.listen(0, "127.0.0.1", done));
    const port = (busy.address() as { port: number }).port;
    try {
      expect(badInput(smpsim("ui", log, "--port", String(port)))).toMatch(
        new RegExp(`port ${port} on 127.0.0.1 is already in use`),
      );
    } finally {
      busy.close();
    }
  });

  it("serves the valid prefix of a truncated log, says so, and exits 0 on SIGTERM", async () => {
    const text = logTextOf(runOf("tlb-shootdown-munmap"));
    const lines = text.split("\n");
    const log = join(dir, "cut.log");
    // Header, 20 events and half of the next line: the writer was killed mid-line.
    writeFileSync(log, lines.slice(0, 21).join("\n") + "\n" + lines[21]!.slice(0, 15));
    const ui = await startUi(log);
    try {
      expect(ui.stderr).toMatch(/cut\.log: log truncated \(line 22 is incomplete\); showing the 20 complete events/);
      expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const meta = (await (await fetch(new URL("api/meta", ui.url))).json()) as Meta;
      expect(meta).toMatchObject({ events: 20, truncated: "line 22 is incomplete" });
      expect(await (await fetch(ui.url)).text()).toMatch(/<html/i);
    } finally {
      expect(await ui.stop()).toBe(0);
    }
  });
});
