/**
 * The benchmark as a library call: build the fixture, time every case, and judge the targets. main.ts
 * prints the result; the tests call it in quick mode.
 */
import { foldEvents } from "../replay/fold.js";
import { scenarioInitialState } from "../run/simulate.js";
import { stateHash } from "../state/hash.js";
import { ceilingFold } from "./ceiling.js";
import { disposeFixture, prepareFixture, type ScenarioAtScale } from "./fixture.js";
import { MACHINE_CASES, machineCases } from "./machine-bench.js";
import { measure, type Measurement } from "./measure.js";
import { ceilingRatio, machineTargets, meets, type Target } from "./targets.js";
import { DEFAULT_K } from "../timetravel/snapshots.js";
import { timeTravelSection, type TimeTravelSection } from "./timetravel-bench.js";
import type { TimeTravelOptions } from "./timetravel-figures.js";

export interface BenchOptions {
  scenarioAt: ScenarioAtScale;
  /** The scenario is scaled until one run gives at least this many events. */
  minEvents: number;
  seed: number;
  warmups: number;
  repetitions: number;
  immerPrefix: number;
  /** Seek, back and memory on the fixture's log (issue 5); null leaves the section out. */
  timeTravel: TimeTravelOptions | null;
  /** Progress lines while it runs (the full bench takes about a minute). */
  progress?: (line: string) => void;
}

/** The full bench (issue 2: ≥ 1,000,000 events) and the quick smoke test (~50,000 events). */
export function benchPreset(quick: boolean): Omit<BenchOptions, "scenarioAt"> {
  return quick
    ? {
        minEvents: 50_000,
        seed: 1,
        warmups: 1,
        repetitions: 3,
        immerPrefix: 10_000,
        timeTravel: { k: DEFAULT_K, seeks: 200, seed: 1 },
      }
    : {
        minEvents: 1_000_000,
        seed: 1,
        warmups: 1,
        repetitions: 3,
        immerPrefix: 50_000,
        timeTravel: { k: DEFAULT_K, seeks: 1000, seed: 1 },
      };
}

export interface BenchRow extends Measurement {
  /** Ceiling rate / this row's rate (how many times slower), for rows that count events. */
  ceilingRatio: number | null;
  target: string | null;
  pass: boolean | null;
}

export interface BenchReport {
  node: string;
  platform: string;
  scenario: string;
  scale: number;
  seed: number;
  /** Events of one run of the scaled scenario, and why that run stopped. */
  events: number;
  stopReason: string;
  warmups: number;
  repetitions: number;
  /** The ceiling loop ends in the same state (hash) as fold replay; if not, its figure is not a fair ceiling. */
  ceilingMatchesFold: boolean;
  /** Event types the ceiling loop does not handle. */
  ceilingSkipped: string[];
  /** Decisions the ceiling loop re-derived differently from the run, and invariant checks it saw fail (both 0 when fair). */
  ceilingMismatches: number;
  ceilingViolations: number;
  /** The targets the verdicts judge (issue 2, "Speed"). */
  targets: readonly Target[];
  rows: BenchRow[];
  /** Seek, back and memory of the loaded log (issue 5), or null when not asked for. */
  timeTravel: TimeTravelSection | null;
}

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const say = opts.progress ?? ((): void => {});
  say(`sizing the scenario for at least ${opts.minEvents.toLocaleString("en-US")} events ...`);
  const f = await prepareFixture(opts.scenarioAt, opts.minEvents, opts.seed);
  try {
    const { scenario, allocator } = f;
    const measured: Measurement[] = [];
    for (const c of machineCases(f, { immerPrefix: opts.immerPrefix })) {
      say(`${c.name} ...`);
      measured.push(await measure(c, { warmups: opts.warmups, repetitions: opts.repetitions }));
    }
    let timeTravel: TimeTravelSection | null = null;
    if (opts.timeTravel) {
      say("time travel: load, seek, back ...");
      timeTravel = await timeTravelSection(f.logPath, opts.timeTravel);
    }
    const events = f.events();
    const ceiling = ceilingFold(scenarioInitialState(scenario, allocator), events, f.seed);
    const matches = stateHash(ceiling.state) === stateHash(foldEvents(scenario, allocator, events, events.length, false).state);
    const top = measured.find((m) => m.name === MACHINE_CASES.ceiling)!;
    const rows = measured.map((m): BenchRow => {
      const t = machineTargets.find((x) => x.row === m.name);
      return {
        ...m,
        ceilingRatio: m.unit === "events" ? ceilingRatio(m, top) : null,
        target: t?.text ?? null,
        pass: t ? meets(t, m, top) : null,
      };
    });
    return {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      scenario: scenario.id,
      scale: f.scale,
      seed: f.seed,
      events: f.count,
      stopReason: f.outcome.reason,
      warmups: opts.warmups,
      repetitions: opts.repetitions,
      ceilingMatchesFold: matches,
      ceilingSkipped: ceiling.skipped,
      ceilingMismatches: ceiling.mismatches,
      ceilingViolations: ceiling.violations,
      targets: machineTargets,
      rows,
      timeTravel,
    };
  } finally {
    disposeFixture(f);
  }
}
