/**
 * Event sourcing holds: a run is a function of scenario and seed (and its schedule), the state at any
 * point is the fold of the events before it, the pure and the in-place reducers agree, and re-execution
 * replay accepts every honest log and pins an altered one to the exact event that was altered.
 *
 * The default and roll-over scenarios run to thousands of events, so their properties take a few
 * runs and sample prefixes; the two-core munmap scenarios are small enough to check every prefix.
 * Seeds are drawn afresh on every run of the suite, so the runs per scenario are kept to a handful
 * (5 to 20 on the small scenarios) and the coverage of seeds grows across runs.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FifoChooser, ScheduleChooser } from "../../src/engine/chooser.js";
import { decodeSchedule } from "../../src/engine/schedule.js";
import type { SimEvent } from "../../src/events/index.js";
import { parseLog, readLog } from "../../src/log/reader.js";
import { foldEvents } from "../../src/replay/fold.js";
import { verifyLog } from "../../src/replay/verify.js";
import { runScenario } from "../../src/run/run-scenario.js";
import { scenarioInitialState } from "../../src/run/simulate.js";
import { apply, applyInPlace } from "../../src/state/apply.js";
import { canonicalJson, stateHash } from "../../src/state/hash.js";
import type { MachineState } from "../../src/state/machine-state.js";
import { allocatorOf, builtin, builtinIds, loadedLogOf, logTextOf, runWith } from "../support/sim.js";

const seeds = fc.integer({ min: 0, max: 0x7fffffff });

/** Event counts of one run decide how hard each scenario is exercised. */
const big = new Set(builtinIds.filter((id) => runWith(builtin(id)).events.length > 1000));
const runsFor = (id: string, small: number, large: number): number => (big.has(id) ? large : small);
const smallIds = builtinIds.filter((id) => !big.has(id));

/** Prefix lengths to check: all of them for a small run, a sample (plus both ends) for a big one. */
function prefixLengths(n: number, fractions: readonly number[]): number[] {
  if (n <= 300) return Array.from({ length: n + 1 }, (_, k) => k);
  return [...new Set([0, 1, n, ...fractions.map((f) => Math.floor(f * n))])].sort((a, b) => a - b);
}
const fractions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 });

describe("same scenario and seed", () => {
  it.each(builtinIds)("%s: two runs with the same seed emit byte-identical event lines", (id) => {
    const scenario = builtin(id);
    fc.assert(
      fc.property(seeds, fc.constantFrom("random" as const, "fifo" as const), (seed, strategy) => {
        const a = runWith(scenario, { seed, strategy });
        const b = runWith(builtin(id), { seed, strategy });
        expect(b.lines.length).toBe(a.lines.length);
        expect(b.lines.join("\n")).toBe(a.lines.join("\n"));
        expect(stateHash(b.state)).toBe(stateHash(a.state));
      }),
      { numRuns: runsFor(id, 10, 3) },
    );
  });

  it.each(builtinIds)("%s: the schedule string of a run reproduces it event for event", (id) => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const a = runWith(builtin(id), { seed });
        const chooser = new ScheduleChooser(decodeSchedule(a.schedule), new FifoChooser(), true);
        const b = runWith(builtin(id), { chooser });
        expect(b.lines).toEqual(a.lines);
      }),
      { numRuns: runsFor(id, 8, 2) },
    );
  });

  it("gives different interleavings for different seeds (the seed is really used)", () => {
    const runs = new Set([1, 2, 3, 4, 5, 6].map((seed) => runWith(builtin("tlb-shootdown-munmap"), { seed }).lines.join("\n")));
    expect(runs.size).toBeGreaterThan(1);
  });

  it("writes byte-identical log files for the same seed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smpsim-det-"));
    try {
      const files = [join(dir, "a.log"), join(dir, "b.log")];
      for (const path of files) {
        await runScenario({
          scenario: builtin("tlb-shootdown-munmap"),
          baseDir: dir,
          seed: 42,
          strategy: "random",
          log: { path, force: false },
        });
      }
      expect(readFileSync(files[1]!)).toEqual(readFileSync(files[0]!));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("fold replay", () => {
  it.each(builtinIds)("%s: folding the first n events gives the live state after event n", (id) => {
    fc.assert(
      fc.property(seeds, fractions, (seed, fr) => {
        const scenario = builtin(id);
        // A first run tells how many events there are; the second copies the live state at the sample.
        const lengths = prefixLengths(runWith(scenario, { seed }).events.length, fr);
        const r = runWith(scenario, { seed, snapshots: new Set(lengths) });
        const allocator = allocatorOf(scenario);
        for (const n of lengths) {
          const { state } = foldEvents(scenario, allocator, r.events, n, false);
          const live = n === 0 ? scenarioInitialState(scenario, allocator) : r.after.get(n)!;
          expect(state, `state after ${n} events`).toEqual(live);
        }
      }),
      { numRuns: runsFor(id, 5, 2) },
    );
  });

  it("finds, by re-checking the invariants, the violation the run stopped at", () => {
    const scenario = builtin("tlb-shootdown-munmap-local-only");
    let violations = 0;
    for (let seed = 0; seed < 60; seed++) {
      const r = runWith(scenario, { seed });
      // Drop the logged violation event: the fold must find the violation on its own.
      const events = r.events.filter((e) => e.type !== "violation");
      const { violation } = foldEvents(scenario, allocatorOf(scenario), events);
      expect(violation).toEqual(r.outcome.violation);
      if (violation) violations++;
    }
    expect(violations).toBeGreaterThan(0);
  });
});

describe("pure apply (immer)", () => {
  it.each(builtinIds)("%s: apply gives the same state as applyInPlace and leaves its input untouched", (id) => {
    fc.assert(
      fc.property(seeds, fractions, (seed, fr) => {
        const scenario = builtin(id);
        const r = runWith(scenario, { seed });
        const allocator = allocatorOf(scenario);
        const mutable = scenarioInitialState(scenario, allocator);
        let pure: MachineState = scenarioInitialState(scenario, allocator);
        const check = new Set(prefixLengths(r.events.length, fr));
        r.events.forEach((ev: SimEvent, i) => {
          const before = pure;
          const beforeJson = check.has(i + 1) ? canonicalJson(before) : "";
          pure = apply(pure, ev);
          applyInPlace(mutable, ev);
          if (check.has(i + 1)) {
            expect(canonicalJson(before), `apply changed its input at event ${i}`).toBe(beforeJson);
            expect(pure, `state after ${i + 1} events`).toEqual(mutable);
          }
        });
        expect(stateHash(pure)).toBe(stateHash(r.state));
      }),
      { numRuns: runsFor(id, 3, 1) },
    );
  });
});

/** Paths of the numbers in an event, other than its `seq` (changing that is a reader error instead). */
function numberPaths(v: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof v === "number") return [path];
  if (v === null || typeof v !== "object") return [];
  const out: (string | number)[][] = [];
  for (const [k, x] of Object.entries(v)) {
    if (path.length === 0 && k === "seq") continue;
    out.push(...numberPaths(x, [...path, Array.isArray(v) ? Number(k) : k]));
  }
  return out;
}

function bump(obj: Record<string, unknown>, path: readonly (string | number)[], delta: number): void {
  let o = obj as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  o[last] = (o[last] as number) + delta;
}

describe("re-execution replay", () => {
  it.each(builtinIds)("%s: verifies the log of any run", (id) => {
    fc.assert(
      fc.property(seeds, fc.constantFrom("random" as const, "fifo" as const), (seed, strategy) => {
        const scenario = builtin(id);
        const r = runWith(scenario, { seed, strategy });
        expect(verifyLog(loadedLogOf(r), allocatorOf(scenario))).toBeNull();
      }),
      { numRuns: runsFor(id, 8, 3) },
    );
  });

  it("verifies a log written by LogWriter and read back from disk", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smpsim-det-"));
    try {
      const path = join(dir, "run.log");
      const scenario = builtin("default");
      await runScenario({ scenario, baseDir: dir, seed: 7, strategy: "random", log: { path, force: false } });
      const log = readLog(path);
      expect(log.truncated).toBeNull();
      expect(verifyLog(log, allocatorOf(scenario))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("verifies the complete events of a truncated log", () => {
    fc.assert(
      fc.property(seeds, fc.double({ min: 0.05, max: 0.95, noNaN: true }), (seed, cut) => {
        const r = runWith(builtin("tlb-shootdown-munmap"), { seed });
        const text = logTextOf(r);
        // Cut anywhere after the header line.
        const headerEnd = text.indexOf("\n") + 1;
        const log = parseLog(text.slice(0, headerEnd + Math.floor(cut * (text.length - headerEnd))), "cut.log");
        expect(log.truncated).not.toBeNull();
        expect(verifyLog(log, allocatorOf(r.scenario))).toBeNull();
      }),
      { numRuns: 30 },
    );
  });

  const alteredIds = [...smallIds, ...[...big].slice(0, 1)];
  it.each(alteredIds)("%s: a log with one event altered diverges at exactly that event", (id) => {
    fc.assert(
      fc.property(seeds, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 1000 }), (seed, at, which, delta) => {
        const r = runWith(builtin(id), { seed });
        const i = at % r.events.length;
        const ev = JSON.parse(r.lines[i]!) as Record<string, unknown>;
        const paths = numberPaths(ev);
        const path = paths[which % paths.length]!;
        bump(ev, path, delta);
        const lines = r.lines.slice();
        lines[i] = JSON.stringify(ev);
        const text = logTextOf(r).split("\n");
        text[i + 1] = lines[i]!;
        const log = parseLog(text.join("\n"), "altered.log");
        const d = verifyLog(log, allocatorOf(r.scenario));
        expect(d).not.toBeNull();
        expect(d!.seq).toBe(i);
        expect(d!.logged).toBe(lines[i]);
        // Re-execution emits the original event, except that a changed pick is followed, so the choice
        // it makes then differs from the logged one in what it names.
        if (ev.type === "choice" && path.join(".") === "pick") expect(d!.reexecuted).not.toBe(lines[i]);
        else expect(d!.reexecuted).toBe(r.lines[i]);
      }),
      { numRuns: runsFor(id, 20, 4) },
    );
  });

  it("reports a log whose final state hash was altered", () => {
    const r = runWith(builtin("tlb-shootdown-munmap"), { seed: 3 });
    const log = loadedLogOf(r);
    log.footer = { end: { ...log.footer!.end, stateHash: "0123456789abcdef" } };
    const d = verifyLog(log, allocatorOf(r.scenario));
    expect(d?.reason).toMatch(/state hash/);
    expect(d?.seq).toBe(r.events.length);
  });

  it("reports a log that stops before the run does without saying it was truncated", () => {
    const r = runWith(builtin("tlb-shootdown-munmap"), { seed: 3 });
    const log = loadedLogOf(r);
    log.events = log.events.slice(0, 40);
    log.lines = log.lines.slice(0, 40);
    const d = verifyLog(log, allocatorOf(r.scenario));
    expect(d?.seq).toBe(40);
    expect(d?.logged).toBeNull();
  });
});

describe("initial states share the scenario's page tables until a run writes one", () => {
  it("a run that unmaps a page leaves the scenario's tables as they were, and the next run sees them whole", () => {
    const scenario = builtin("tlb-shootdown-munmap");
    const allocator = allocatorOf(scenario);
    const before = canonicalJson(scenarioInitialState(scenario, allocator).tables);
    const first = runWith(scenario);
    expect(first.events.some((e) => e.type === "pte.write")).toBe(true);
    expect(canonicalJson(scenarioInitialState(scenario, allocator).tables)).toBe(before);
    expect(logTextOf(runWith(scenario))).toBe(logTextOf(first));
  });
});
