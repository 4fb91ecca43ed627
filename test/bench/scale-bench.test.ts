/**
 * The scaling table's arithmetic, with a stand-in for the child process: each row's figure is the CPU
 * time of the events after the warm-up, over those events; the warm-up and the per-run work (building
 * the machine, hashing its final state) are shown beside it and do not enter the figure or the ratio.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatScale, scaleSection, type ScaleFigure } from "../../src/bench/scale-bench.js";

describe("the bench's scaling table", () => {
  it("divides the measured events' CPU time by those events, leaving warm-up and set-up out of the ratio", () => {
    const asked: { maxEvents: number; warmup: number }[] = [];
    const figure = (file: string, warmup: number): ScaleFigure => {
      const sc = JSON.parse(readFileSync(file, "utf8")) as { machine: { maxEvents: number; cores: number }; tasks: unknown[] };
      asked.push({ maxEvents: sc.machine.maxEvents, warmup });
      const events = sc.machine.maxEvents - warmup;
      // Big machines: slow to build and to warm up, but each event costs the same.
      const big = sc.tasks.length > 100 || sc.machine.cores > 8;
      return { events, cpuSeconds: events * 1e-6, warmupSeconds: big ? 9 : 1, setupSeconds: big ? 5 : 0.1, maxRssMB: 100 };
    };
    const s = scaleSection(true, figure, () => {});
    const measured = asked.slice(0, -1);
    for (const a of measured) expect(a.maxEvents).toBe(a.warmup + 2e4);
    expect(measured.every((a) => a.warmup === 2e4)).toBe(true);
    expect(asked.at(-1)!.warmup).toBe(0);
    for (const r of s.rows) {
      expect(r.secondsPerMillion).toBeCloseTo(1, 9);
      expect(r.ratio).toBeCloseTo(1, 9);
      expect(r.pass).toBe(true);
    }
    expect(s.rows.find((r) => r.label === "4096 tasks")!.setupSeconds).toBe(5);
    const text = formatScale(s);
    expect(text).toContain("after each run's first 20,000 events");
    expect(text).toMatch(/4096 tasks\s+1\.00 s\s+1\.00×\s+ok\s+9\.00 s\s+5\.00 s/);
  });

  it("takes each row's median of three runs outside --quick, so one run in a quiet moment does not move a group", () => {
    // Per row, three runs at 1, 5 and 2 µs an event (in that order): the median is 2.
    const costs = [1e-6, 5e-6, 2e-6];
    let n = 0;
    const figure = (file: string, warmup: number): ScaleFigure => {
      const sc = JSON.parse(readFileSync(file, "utf8")) as { machine: { maxEvents: number } };
      const events = sc.machine.maxEvents - warmup;
      return { events, cpuSeconds: events * costs[n++ % 3]!, warmupSeconds: 1, setupSeconds: 0.1, maxRssMB: 100 };
    };
    const s = scaleSection(false, figure, () => {});
    expect(s.repeats).toBe(3);
    for (const r of s.rows) expect(r.secondsPerMillion).toBeCloseTo(2, 9);
    expect(formatScale(s)).toContain("the median of 3 runs");
  });
});
