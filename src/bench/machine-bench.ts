/**
 * The machine's benchmark cases over one fixture: running the scenario (events kept, discarded, logged),
 * fold replay (from memory, with the invariants, from the log file), the hand-written ceiling loop (the
 * same decisions, state changes and invariant checks as a run, without the architecture), and
 * the pure immer reducer on a prefix. Each case times only its own work. The rows that run the machine
 * or parse the log come first: the later rows make the fixture hold a run's events, which would slow
 * their garbage collection.
 */
import { readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import type { SimEvent } from "../events/index.js";
import { parseLog } from "../log/reader.js";
import { foldEvents } from "../replay/fold.js";
import { scenarioInitialState } from "../run/simulate.js";
import { apply } from "../state/apply.js";
import { ceilingFold } from "./ceiling.js";
import { runToArray, runToLog, runWith, type Fixture } from "./fixture.js";
import { timed, type BenchCase, type Sample } from "./measure.js";

/** Row names, which the targets and the JSON report refer to. */
export const MACHINE_CASES = {
  run: "run",
  runDiscard: "run, events discarded",
  runLog: "run + log",
  foldLog: "fold replay from log file",
  fold: "fold replay",
  foldChecked: "fold replay + invariants",
  ceiling: "ceiling (plain loop)",
  immer: "immer apply (prefix)",
} as const;

export interface MachineBenchOptions {
  /** Events the pure immer reducer is timed on (the first ones of the run). */
  immerPrefix: number;
}

export function machineCases(f: Fixture, opts: MachineBenchOptions): BenchCase[] {
  const { scenario, allocator, seed } = f;
  const n = f.count;
  const sample = (name: string, count: number, seconds: number): Sample => ({ name, events: count, seconds });
  const sameLength = (name: string, got: number): void => {
    if (got !== n)
      throw new Error(`bench case "${name}": ${got} events, the fixture's run had ${n} (the run is not deterministic?)`);
  };
  const fold = (name: string, check: boolean): BenchCase => ({
    name,
    run: () => {
      const events = f.events();
      return sample(name, n, timed(() => foldEvents(scenario, allocator, events, n, check)).seconds);
    },
  });
  // immer freezes what it touches, events included: it gets its own copy, so the other rows' objects stay as they are.
  let prefix: SimEvent[] | null = null;

  return [
    {
      name: MACHINE_CASES.run,
      run: () => {
        const { value, seconds } = timed(() => runToArray(scenario, allocator, seed));
        sameLength(MACHINE_CASES.run, value.events.length);
        return sample(MACHINE_CASES.run, n, seconds);
      },
    },
    {
      // What keeping the events costs (mostly garbage collection of a million live objects).
      name: MACHINE_CASES.runDiscard,
      run: () => {
        let count = 0;
        const { seconds } = timed(() =>
          runWith(scenario, allocator, seed, () => {
            count++;
          }),
        );
        sameLength(MACHINE_CASES.runDiscard, count);
        return sample(MACHINE_CASES.runDiscard, n, seconds);
      },
    },
    {
      name: MACHINE_CASES.runLog,
      run: () => {
        // As `run` (events kept in an array) plus the log file, so the difference is the log's cost.
        const path = join(f.dir, "run.log");
        const { value, seconds } = timed(() => runToLog(scenario, allocator, seed, path, []));
        unlinkSync(path);
        sameLength(MACHINE_CASES.runLog, value.events);
        return sample(MACHINE_CASES.runLog, n, seconds);
      },
    },
    {
      name: MACHINE_CASES.foldLog,
      run: () => {
        const { value, seconds } = timed(() => {
          const log = parseLog(readFileSync(f.logPath, "utf8"), f.logPath);
          foldEvents(scenario, allocator, log.events, log.events.length, false);
          return log.events.length;
        });
        sameLength(MACHINE_CASES.foldLog, value);
        return sample(MACHINE_CASES.foldLog, n, seconds);
      },
    },
    fold(MACHINE_CASES.fold, false),
    fold(MACHINE_CASES.foldChecked, true),
    {
      name: MACHINE_CASES.ceiling,
      run: () => {
        const events = f.events();
        return sample(
          MACHINE_CASES.ceiling,
          n,
          timed(() => ceilingFold(scenarioInitialState(scenario, allocator), events, seed)).seconds,
        );
      },
    },
    {
      name: MACHINE_CASES.immer,
      run: () => {
        const events = (prefix ??= structuredClone(f.events().slice(0, Math.min(opts.immerPrefix, n))));
        const { seconds } = timed(() => {
          let s = scenarioInitialState(scenario, allocator);
          for (const ev of events) s = apply(s, ev);
          return s;
        });
        return sample(MACHINE_CASES.immer, events.length, seconds);
      },
    },
  ];
}
