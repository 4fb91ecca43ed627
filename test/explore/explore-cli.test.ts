/** `smpsim explore` as users run it: exit codes, the counterexample files, replay of the log, workers. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const smpsim = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, "bin/smpsim.js"), ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });

describe("smpsim explore", () => {
  it("exits 1 on a violation and saves a log that replay reproduces and a schedule run reproduces", () => {
    const out = join(mkdtempSync(join(tmpdir(), "smpsim-explore-")), "ce");
    const r = smpsim("explore", "tlb-shootdown-munmap-local-only", "--strategy", "pct", "--budget", "2000", "--out", out);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/VIOLATION of translation-coherence/);
    expect(r.stdout).toMatch(/core 0 +core 1/); // the per-core columns
    const log = join(out, "counterexample.log");
    expect(smpsim("replay", log).status).toBe(1);
    const verify = smpsim("replay", log, "--verify");
    expect(verify.stdout).toMatch(/verified/);
    const schedule = readFileSync(join(out, "schedule.txt"), "utf8").trim();
    expect(smpsim("run", "tlb-shootdown-munmap-local-only", "--schedule", schedule, "--no-log").status).toBe(1);
    // A second search into the same --out is refused and leaves the files alone.
    const mtime = statSync(log).mtimeMs;
    const again = smpsim("explore", "tlb-shootdown-munmap-local-only", "--out", out);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/exists; not overwriting it without --force/);
    expect(statSync(log).mtimeMs).toBe(mtime);
  });

  it("exits 0 with coverage when the clean scenario's space is exhausted", () => {
    const r = smpsim("explore", "tlb-shootdown-munmap", "--strategy", "dpor", "--json");
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ verdict: "clean", strategy: "dpor", exhausted: true });
    expect(j.distinctFinalStates).toBeGreaterThan(0);
    expect(j.distinctStatesSeen).toBeGreaterThan(0);
  });

  it("gives the same verdict and schedule on two workers as on one", () => {
    for (const strategy of ["random", "pct"]) {
      const args = ["explore", "tlb-shootdown-munmap-local-only", "--strategy", strategy, "--budget", "3000", "--json"];
      const one = JSON.parse(smpsim(...args, "--workers", "1", "--out", mkdtempSync(join(tmpdir(), "w1-"))).stdout);
      const two = JSON.parse(smpsim(...args, "--workers", "2", "--out", mkdtempSync(join(tmpdir(), "w2-"))).stdout);
      expect(two.verdict).toBe(one.verdict);
      expect(two.schedule).toBe(one.schedule);
    }
  });

  it("refuses a bad strategy or budget with exit 2", () => {
    expect(smpsim("explore", "tlb-shootdown-munmap", "--strategy", "bfs").status).toBe(2);
    expect(smpsim("explore", "tlb-shootdown-munmap", "--budget", "lots").status).toBe(2);
    expect(smpsim("explore", "--help").status).toBe(0);
  });
});
