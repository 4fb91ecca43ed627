/**
 * Opening a log never runs code unless allowed, for every module kind: a log whose header names a
 * context-switch, TLB-flush, VMID-allocator or world-switch module is refused without --allow-modules,
 * and with it replays and verifies.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { builtinScenarios } from "../../scenarios/index.js";
import { cli } from "../kernel/kernel-helpers.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures");
const dir = mkdtempSync(join(tmpdir(), "smpsim-log-modules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES: [string, string, (raw: Record<string, any>, path: string) => void][] = [
  [
    "tlb-shootdown-munmap",
    "kernel.tlbFlush",
    (r, p) => (r.kernel = { ...r.kernel, tlbFlush: p, switchMm: join(FIXTURES, "context-switch-module.mjs") }),
  ],
  [
    "a15-vmid-small-5.16",
    "hyp.worldSwitch",
    (r, p) => (r.hyp = { ...r.hyp, worldSwitch: p, vmidAllocator: join(FIXTURES, "vmid-allocator-module.mjs") }),
  ],
];

describe("logs of runs with modules", () => {
  for (const [id, field, edit] of CASES) {
    it(`a log naming a ${field} module needs --allow-modules to replay, then verifies`, () => {
      const raw = structuredClone(builtinScenarios.find((s) => s.id === id)!.raw) as Record<string, any>;
      const mod = field === "kernel.tlbFlush" ? "tlb-flush-module.mjs" : "world-switch-module.mjs";
      edit(raw, join(FIXTURES, mod));
      const file = join(dir, `${id}.json`);
      writeFileSync(file, JSON.stringify(raw));
      const log = join(dir, `${id}.log`);
      expect(cli(["run", file, "--seed", "3", "--log", log, "--force"]).status).toBe(0);
      const refused = cli(["replay", log, "--verify"]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/config\.(kernel|hyp)\.\w+: the log needs the module .*--allow-modules/);
      const ok = cli(["replay", log, "--verify", "--allow-modules"]);
      expect(ok.stderr).toBe("");
      expect(ok.status).toBe(0);
      const dbg = cli(["debug", log, "--allow-modules", "--eval", "goto 40; tlb 0"]);
      expect(dbg.status).toBe(0);
    });
  }
});
