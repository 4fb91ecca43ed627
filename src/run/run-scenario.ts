/**
 * `run` as a library call: resolve the allocator, pick the chooser (seeded strategy, or a schedule
 * string), run, write the log, and report. The CLI and the tests both go through here.
 */
import { FifoChooser, RandomChooser, ScheduleChooser, type Chooser, type StrategyName } from "../engine/chooser.js";
import type { RunOutcome } from "../engine/engine.js";
import type { EventObserver } from "../engine/event-stream.js";
import { ScheduleSyntaxError, decodeScheduleLazily } from "../engine/schedule.js";
import { ScheduleStream } from "./schedule-stream.js";
import type { SimEvent } from "../events/index.js";
import { naming } from "../kernel/asid/registry.js";
import { resolveModules } from "../modules/resolve.js";
import { makeHeader } from "../log/format.js";
import { LogWriter } from "../log/writer.js";
import type { Scenario } from "../scenario/types.js";
import { stateHash } from "../state/hash.js";
import type { MachineState } from "../state/machine-state.js";
import { simulateInterruptibly, withStopSignals } from "./interruptible.js";
import { simulate } from "./simulate.js";
import { machineInvariants } from "../invariants/index.js";

export interface RunRequest {
  scenario: Scenario;
  baseDir: string;
  seed: number;
  strategy: StrategyName;
  /** Picks to follow first (then `strategy` takes over). */
  schedule?: string;
  log?: { path: string; force: boolean };
  /** Where the scenario came from (its file, or "built-in scenario X"), for error messages. */
  source?: string;
  /** Keep every event in memory (tests, replay comparison). */
  keepEvents?: boolean;
  /** Stop on SIGINT / SIGTERM, dropping the unfinished log (the CLI's `run`): see interruptible.ts. */
  interruptible?: boolean;
  /**
   * Keep the whole schedule string (default). False: only its first characters, for a summary (the
   * log, when written, still gets all of it), so a long run's memory does not grow with its choices.
   */
  keepSchedule?: boolean;
}

export interface RunResult {
  outcome: RunOutcome;
  state: MachineState;
  stateHash: string;
  /** Every choice the run made, as a schedule string (its first characters without `keepSchedule`). */
  schedule: string;
  /** The whole schedule string's length. */
  scheduleLength: number;
  events: SimEvent[];
}

/** `windowCycles` as in the scenario's schedule (null or Infinity: virtual time does not constrain). */
export function makeChooser(strategy: StrategyName, seed: number, specRate: number, windowCycles: number | null = null): Chooser {
  return strategy === "fifo" ? new FifoChooser() : new RandomChooser(seed, specRate, windowCycles ?? Infinity);
}

export async function runScenario(req: RunRequest): Promise<RunResult> {
  const source = req.source ?? `scenario ${req.scenario.id}`;
  return naming(source, () => runResolved(req));
}

async function runResolved(req: RunRequest): Promise<RunResult> {
  const allocator = await resolveModules(req.scenario, req.baseDir);
  const sc = req.scenario;
  const base = makeChooser(req.strategy, req.seed, sc.machine.speculation.rate, sc.schedule.windowCycles);
  const given = req.schedule !== undefined ? new ScheduleChooser(decodeScheduleLazily(req.schedule), base, true) : null;
  const chooser = given ?? base;
  const writer = req.log
    ? new LogWriter(req.log.path, makeHeader(req.scenario, req.seed, req.strategy, req.schedule), req.log.force)
    : null;
  const picks = new ScheduleStream(req.keepSchedule !== false || writer !== null);
  const events: SimEvent[] = [];
  // The run's observers of its event stream: the schedule, the kept events, the log; only those asked for.
  const sink: EventObserver<SimEvent>[] = [
    (ev) => {
      if (ev.type === "choice") picks.add(ev.pick);
    },
  ];
  if (req.keepEvents) sink.push((ev) => events.push(ev));
  if (writer) sink.push((ev) => writer.event(ev));
  try {
    // What each choice picked is written only into kept events (a log, or keepEvents): without them
    // describing every choice is work nobody reads (half the events of a shootdown-heavy run are choices).
    const describe = writer !== null || req.keepEvents === true;
    const { outcome, state } = req.interruptible
      ? await withStopSignals(
          (stopped) => simulateInterruptibly(req.scenario, allocator, chooser, sink, stopped, describe),
          () => writer?.abandon(),
        )
      : simulate(req.scenario, allocator, chooser, sink, machineInvariants, describe);
    // A schedule with picks the run never asked for does not fit the scenario (README): bad input. A run
    // stopped at the event limit simply did not get that far.
    if (given && given.unused > 0 && outcome.reason !== "limit") {
      throw new ScheduleSyntaxError(
        `schedule: it has ${given.unused} more choices than the run makes (the run ended: ${outcome.reason} after ${picks.picks} choices); it does not fit this scenario`,
      );
    }
    const hash = stateHash(state);
    const { schedule: whole, length } = picks.finish();
    writer?.finish({ end: { reason: outcome.reason, events: outcome.events, stateHash: hash, schedule: whole } }, req.log!.force);
    const schedule = req.keepSchedule === false ? whole.slice(0, 256) : whole;
    return { outcome, state, stateHash: hash, schedule, scheduleLength: length, events };
  } catch (e) {
    writer?.abandon();
    throw e;
  }
}
