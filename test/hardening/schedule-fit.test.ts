/**
 * A schedule string that does not fit the run is bad input (issue 15, item 10), and a long one costs
 * memory for its runs, not for every pick.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeSchedule, decodeScheduleLazily, encodeSchedule, MAX_PICKS, ScheduleEncoder } from "../../src/engine/schedule.js";
import { isCleanBadInput, smpsim } from "./inproc.js";

describe("run --schedule", () => {
  for (const s of ["0{100000}", "0{49999999}", "1{3}0{5000}"]) {
    it(`${s} on a short scenario is bad input (exit 2) naming the schedule`, async () => {
      const r = await smpsim(["run", "tlb-shootdown-munmap", "--no-log", "--schedule", s]);
      expect(isCleanBadInput(r), r.stderr).toBe(true);
      expect(r.stderr).toMatch(/schedule: it has \d+ more choices than the run makes/);
    });
  }

  it("writes no log when the schedule does not fit", async () => {
    const r = await smpsim([
      "run",
      "tlb-shootdown-munmap",
      "--log",
      "/tmp/never-written-smpsim.log",
      "--force",
      "--schedule",
      "0{100000}",
    ]);
    expect(r.status).toBe(2);
    const { existsSync } = await import("node:fs");
    expect(existsSync("/tmp/never-written-smpsim.log")).toBe(false);
  });

  it("a schedule the run uses up, or one cut short by --max-events, is fine", async () => {
    const full = await smpsim(["run", "tlb-shootdown-munmap", "--no-log", "--json"]);
    const schedule = (JSON.parse(full.stdout) as { schedule: string }).schedule;
    expect((await smpsim(["run", "tlb-shootdown-munmap", "--no-log", "--schedule", schedule])).status).toBe(0);
    expect((await smpsim(["run", "tlb-shootdown-munmap", "--no-log", "--schedule", schedule, "--max-events", "5"])).status).toBe(
      0,
    );
  });
});

describe("decoding lazily", () => {
  it("holds runs, not picks, and reads like the array", () => {
    const p = decodeScheduleLazily(`0{${MAX_PICKS - 3}}1(10){2}`);
    expect(p.length).toBe(MAX_PICKS);
    expect([
      p.at(0),
      p.at(MAX_PICKS - 4),
      p.at(MAX_PICKS - 3),
      p.at(MAX_PICKS - 2),
      p.at(MAX_PICKS - 1),
      p.at(MAX_PICKS),
    ]).toEqual([0, 0, 1, 36, 36, undefined]);
    expect(p.at(1)).toBe(0);
  });
});

describe("schedule strings one pick at a time", () => {
  const picks = fc.array(fc.oneof(fc.nat(3), fc.nat(2000)), { maxLength: 60 });
  it("the streaming encoder gives what encodeSchedule gives", () => {
    fc.assert(
      fc.property(picks, (p) => {
        const e = new ScheduleEncoder();
        for (const x of p) e.add(x);
        expect(e.value).toBe(encodeSchedule(p));
      }),
      { numRuns: 500, seed: 15 },
    );
  });
  it("the lazy decoding reads like the array, in order or not", () => {
    fc.assert(
      fc.property(picks, fc.array(fc.integer({ min: -2, max: 70 }), { maxLength: 20 }), (p, probes) => {
        const s = encodeSchedule(p);
        const lazy = decodeScheduleLazily(s);
        const array = decodeSchedule(s);
        expect(array).toEqual(p);
        expect(lazy.length).toBe(p.length);
        for (const i of [...p.keys(), ...probes]) expect(lazy.at(i)).toBe(p[i]);
      }),
      { numRuns: 500, seed: 15 },
    );
  });
});
