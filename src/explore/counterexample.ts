/**
 * What a search does with the violation it found: shrink its schedule (shrink.ts), run the shrunk
 * schedule again as `run` does to write the counterexample log `smpsim replay` reproduces and the
 * schedule file, and lay the run's events out as per-core columns (columns.ts). The CLI only prints it.
 */
import { writeFileSync } from "node:fs";
import { encodeSchedule } from "../engine/schedule.js";
import type { Violation } from "../invariants/invariant.js";
import { runScenario } from "../run/run-scenario.js";
import { columns } from "./columns.js";
import type { ExecutionTarget } from "./execution.js";
import { shrink } from "./shrink.js";

export interface CounterexampleFiles {
  /** The counterexample log (`smpsim replay` reproduces it). */
  log: string;
  /** The shrunk schedule, one line. */
  schedule: string;
  /** Overwrite them if they exist. */
  force: boolean;
}

export interface Counterexample {
  /** The shrunk schedule string. */
  schedule: string;
  /** The violation the shrunk schedule's run ends in. */
  violation: Violation;
  shrunk: { explicitChoices: number; choices: number; events: number; attempts: number };
  /** The run's events as per-core columns. */
  columns: string;
}

/** Shrinks `picks` (a schedule that breaks `invariant`), writes the counterexample's files and lays it out. */
export async function counterexample(
  t: ExecutionTarget,
  found: { picks: readonly number[]; invariant: string },
  run: { baseDir: string; seed: number },
  files: CounterexampleFiles,
): Promise<Counterexample> {
  const shrunk = shrink(t, found.picks, found.invariant);
  const schedule = encodeSchedule(shrunk.exec.picks);
  const r = await runScenario({
    scenario: t.scenario,
    baseDir: run.baseDir,
    seed: run.seed,
    strategy: "fifo",
    schedule,
    keepEvents: true,
    log: { path: files.log, force: files.force },
  });
  writeFileSync(files.schedule, schedule + "\n");
  const violation = r.outcome.violation;
  if (!violation) throw new Error(`counterexample: the shrunk schedule does not end in a violation of ${found.invariant}`);
  return {
    schedule,
    violation,
    shrunk: {
      explicitChoices: shrunk.prefix.length,
      choices: shrunk.exec.picks.length,
      events: shrunk.exec.events,
      attempts: shrunk.attempts,
    },
    columns: columns(r.events, t.scenario.machine.cores),
  };
}
