import { describe, expect, it } from "vitest";
import { defaultScenario } from "../../scenarios/default.js";
import { readScenario } from "../../scenarios/index.js";
import { benchPreset, runBench } from "../../src/bench/bench.js";
import { MACHINE_CASES } from "../../src/bench/machine-bench.js";
import { median } from "../../src/bench/measure.js";
import { formatReport, ratioText } from "../../src/bench/table.js";

describe("bench (quick mode, in-process; no timing assertions)", () => {
  it("measures every row with positive rates and prints them", async () => {
    const report = await runBench({
      ...benchPreset(true),
      repetitions: 1,
      scenarioAt: (scale) => readScenario(defaultScenario(scale), `default x${scale}`),
    });
    expect(report.events).toBeGreaterThanOrEqual(50_000);
    expect(report.stopReason).toBe("done");
    expect(report.ceilingMatchesFold, "src/bench/ceiling.ts must make the same state changes as applyInPlace").toBe(true);
    expect(report.ceilingSkipped, "src/bench/ceiling.ts must handle every event type the run produces").toEqual([]);
    expect(report.ceilingMismatches, "src/bench/ceiling.ts must re-derive the run's decisions").toBe(0);
    expect(report.ceilingViolations, "the bench run is clean: the ceiling's invariant checks must all pass").toBe(0);
    expect(report.rows.map((r) => r.name)).toEqual(Object.values(MACHINE_CASES));
    for (const row of report.rows) {
      expect(row.events, row.name).toBeGreaterThan(0);
      expect(row.seconds, row.name).toBeGreaterThan(0);
      expect(row.rate, row.name).toBeGreaterThan(0);
      expect(Number.isFinite(row.rate), row.name).toBe(true);
      expect(row.ceilingRatio, row.name).toBeGreaterThan(0);
    }
    const judged = report.rows.filter((r) => r.target !== null).map((r) => r.name);
    expect(judged.sort()).toEqual([MACHINE_CASES.fold, MACHINE_CASES.runDiscard].sort());
    for (const r of report.rows) expect(r.pass === null).toBe(r.target === null);

    const text = formatReport(report);
    expect(text).toContain(`Node ${process.version}`);
    expect(text).toContain(report.events.toLocaleString("en-US"));
    for (const name of Object.values(MACHINE_CASES)) expect(text).toContain(name);
    expect(text).toMatch(/PASS|MISS/);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it("takes medians and words ratios", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(ratioText(3.2)).toBe("3.2× slower");
    expect(ratioText(0.5)).toBe("2.0× faster");
    expect(ratioText(1.01)).toBe("1.0×");
    expect(ratioText(null)).toBe("—");
  });
});
