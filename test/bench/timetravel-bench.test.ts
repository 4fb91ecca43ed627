/** The bench's time-travel section on a small log: every figure present and sane, verdicts, text. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runScenario } from "../../src/run/run-scenario.js";
import { formatTimeTravel } from "../../src/bench/table.js";
import { timeTravelSection } from "../../src/bench/timetravel-bench.js";
import { builtin } from "../support/sim.js";

const dir = mkdtempSync(join(tmpdir(), "smpsim-ttbench-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("time-travel bench section", () => {
  it("measures load, seek, back, memory and the snapshot methods, and judges the targets", async () => {
    const path = join(dir, "a.log");
    const run = await runScenario({
      scenario: builtin("asid-rollover-ipi"),
      baseDir: process.cwd(),
      seed: 3,
      strategy: "random",
      log: { path, force: false },
    });
    const s = await timeTravelSection(path, { k: 64, seeks: 50, seed: 1 });
    expect(s.events).toBe(run.outcome.events);
    expect(s.snapshots).toBe(Math.floor(s.events / 64) + 1);
    for (const l of [s.seek, s.back]) {
      expect(l.count).toBe(50);
      expect(l.medianMs).toBeGreaterThanOrEqual(0);
      expect(l.p99Ms).toBeGreaterThanOrEqual(l.medianMs);
      expect(l.maxMs).toBeGreaterThanOrEqual(l.p99Ms);
    }
    expect(s.rssBytes).toBeGreaterThan(0);
    expect(s.copiers.map((c) => c.name)).toHaveLength(3);
    for (const c of s.copiers) expect(c.snapshotUs).toBeGreaterThan(0);
    // From the TypeScript sources there is no compiled child: measured in-process, RSS not judged.
    expect(s.isolated).toBe(false);
    expect(s.rssPass).toBeNull();
    expect(typeof s.seekPass).toBe("boolean");
    const text = formatTimeTravel(s).join("\n");
    expect(text).toMatch(/K = 64/);
    expect(text).toMatch(/seek to a random event \(50\)/);
    expect(text).toMatch(/PASS|MISS/);
    expect(text).toMatch(/sharing copier/);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
