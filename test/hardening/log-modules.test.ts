/**
 * Opening a log never runs code unless the user says so (issue 15, item 1): a log whose header names an
 * ASID allocator module is refused (exit 2, naming the module and --allow-modules) by replay, debug,
 * trace and ui; with --allow-modules the module is loaded as before.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../kernel/kernel-helpers.js";
import { isCleanBadInput, smpsim, tempDir } from "./inproc.js";

const { dir, cleanup } = tempDir("log-modules");
afterAll(cleanup);

/** A log of `default` whose header names `module` as its allocator; the module marks a file when it is imported. */
async function logNaming(module: string): Promise<{ log: string; mark: string }> {
  const log = join(dir, `${Math.random().toString(36).slice(2)}.log`);
  const mark = join(dir, "mark");
  expect((await smpsim(["run", "default", "--log", log])).status).toBe(0);
  const lines = readFileSync(log, "utf8").split("\n");
  const h = JSON.parse(lines[0]!) as { config: { kernel: { asidAllocator: string } } };
  h.config.kernel.asidAllocator = module;
  lines[0] = JSON.stringify(h);
  writeFileSync(log, lines.join("\n"));
  return { log, mark };
}

describe("a log that names an allocator module", () => {
  const evil = join(dir, "evil.mjs");
  copyFileSync(join(ROOT, "test/fixtures/round-robin-allocator.mjs"), evil);
  writeFileSync(
    evil,
    readFileSync(evil, "utf8") +
      `\nimport { writeFileSync as w } from "node:fs"; w(${JSON.stringify(join(dir, "mark"))}, "ran");\n`,
  );

  for (const cmd of [
    ["replay"],
    ["replay", "--verify"],
    ["debug", "--eval", "state"],
    ["trace", "-o", join(dir, "t.json"), "--force"],
    ["ui", "--port", "0"],
  ]) {
    it(`is refused by ${cmd.join(" ")} without --allow-modules, and its code does not run`, async () => {
      const { log, mark } = await logNaming(evil);
      const r = await smpsim([cmd[0]!, log, ...cmd.slice(1)]);
      expect(isCleanBadInput(r), r.stderr).toBe(true);
      expect(r.stderr).toContain(evil);
      expect(r.stderr).toContain("--allow-modules");
      expect(r.stderr).toContain(log);
      expect(existsSync(mark)).toBe(false);
    });
  }

  it("is loaded with --allow-modules (then the edited header is found out: its digest in the footer differs)", async () => {
    const { log, mark } = await logNaming(evil);
    const r = await smpsim(["replay", log, "--allow-modules"]);
    expect(existsSync(mark)).toBe(true);
    expect(r.stderr).toMatch(/header was changed after the run/);
  });

  it("a built-in allocator name needs no permission", async () => {
    const { log } = await logNaming("linux-2.6.36");
    const r = await smpsim(["replay", log]);
    expect(r.stderr).not.toContain("--allow-modules");
    expect(r.stderr).toMatch(/header was changed after the run/);
  });
});
