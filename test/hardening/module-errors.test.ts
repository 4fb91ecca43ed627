/**
 * Mistakes in a user's allocator module are bad input naming the module, the operation and why
 * (exit 2), not a bug in smpsim (exit 70) and not garbage accepted with exit 0 (issue 15, item 6).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN } from "../kernel/kernel-helpers.js";
import { brokenModules, scenarioUsing } from "./broken-modules.js";
import { isCleanBadInput, smpsim, tempDir } from "./inproc.js";

const { dir, cleanup } = tempDir("modules");
afterAll(cleanup);

describe("a broken allocator module", () => {
  for (const [what, text] of Object.entries(brokenModules)) {
    it(`${what}: exit 2 naming the module`, async () => {
      const name = what.replace(/\W+/g, "-");
      const mod = join(dir, `${name}.mjs`);
      writeFileSync(mod, text);
      const r = await smpsim(["run", scenarioUsing(dir, name, `./${name}.mjs`), "--no-log"]);
      expect(isCleanBadInput(r), `${r.status} ${r.stderr}`).toBe(true);
      expect(r.stderr).toContain(mod);
    });
  }

  it("a module whose top-level await never settles: exit 2 naming it (a real process: Node decides the exit)", () => {
    const mod = join(dir, "tla.mjs");
    writeFileSync(mod, "await new Promise(() => {});\nexport default {};\n");
    const r = spawnSync(process.execPath, [BIN, "run", scenarioUsing(dir, "tla", "./tla.mjs"), "--no-log"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(mod);
    expect(r.stderr).toContain("top-level await never settles");
  });
});
