/**
 * What the machine benchmarks share: the default scenario scaled until one run gives at least the wanted
 * number of events, its allocator, a log file of that run in a private folder under the OS temporary
 * directory (removed by `disposeFixture`), and the run's events in memory, made only when first asked
 * for: a million live events slow down every later run's garbage collection (by about a third here), so
 * the rows that run the machine go first, before anything holds them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RandomChooser } from "../engine/chooser.js";
import type { RunOutcome } from "../engine/engine.js";
import { encodeSchedule } from "../engine/schedule.js";
import type { SimEvent } from "../events/index.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { resolveAllocator } from "../kernel/asid/registry.js";
import { makeHeader } from "../log/format.js";
import { LogWriter } from "../log/writer.js";
import { simulate } from "../run/simulate.js";
import type { Scenario } from "../scenario/types.js";
import { stateHash } from "../state/hash.js";

/** The scenario at a given scale (the bench's composition root supplies it). */
export type ScenarioAtScale = (scale: number) => Scenario;

export interface Fixture {
  scenario: Scenario;
  scale: number;
  seed: number;
  allocator: AsidAllocator;
  /** Events of one run, and why it stopped. */
  count: number;
  outcome: RunOutcome;
  /** Every event of one run, in order (made on the first call, then kept). */
  events(): SimEvent[];
  /** Private temporary folder; `logPath` is the run's log inside it. */
  dir: string;
  logPath: string;
}

/** One run with the seeded random strategy (the CLI's default); each event goes to `sink`. */
export function runWith(scenario: Scenario, allocator: AsidAllocator, seed: number, sink: (ev: SimEvent) => void) {
  return simulate(scenario, allocator, new RandomChooser(seed, scenario.machine.speculation.rate), sink);
}

/** One run into an array. */
export function runToArray(
  scenario: Scenario,
  allocator: AsidAllocator,
  seed: number,
): { events: SimEvent[]; outcome: RunOutcome } {
  const events: SimEvent[] = [];
  const { outcome } = runWith(scenario, allocator, seed, (ev) => events.push(ev));
  return { events, outcome };
}

/**
 * One run written to a complete log file (header, every event, footer with state hash and schedule),
 * as `smpsim run --log` writes it; the events are also pushed to `keep` when given.
 */
export function runToLog(
  scenario: Scenario,
  allocator: AsidAllocator,
  seed: number,
  path: string,
  keep: SimEvent[] | null,
): RunOutcome {
  const writer = new LogWriter(path, makeHeader(scenario, seed, "random"), true);
  const picks: number[] = [];
  try {
    const { outcome, state } = runWith(scenario, allocator, seed, (ev) => {
      if (ev.type === "choice") picks.push(ev.pick);
      keep?.push(ev);
      writer.event(ev);
    });
    const end = { reason: outcome.reason, events: outcome.events, stateHash: stateHash(state), schedule: encodeSchedule(picks) };
    writer.finish({ end }, true);
    return outcome;
  } catch (e) {
    writer.abandon();
    throw e;
  }
}

/**
 * The smallest scale (from a calibration run, assuming events grow about linearly with the scale) whose
 * run gives at least `minEvents` events; then the fixture's run at that scale, logged.
 */
export async function prepareFixture(at: ScenarioAtScale, minEvents: number, seed: number): Promise<Fixture> {
  const probeScale = 4;
  const probe = at(probeScale);
  const allocator = await resolveAllocator(probe.kernel.asidAllocator, process.cwd());
  const perScale = Math.max(1, runToArray(probe, allocator, seed).events.length / probeScale);
  let scale = Math.max(1, Math.ceil((minEvents * 1.02) / perScale));
  const dir = mkdtempSync(join(tmpdir(), "smpsim-bench-"));
  const logPath = join(dir, "fixture.log");
  try {
    for (let attempt = 0; ; attempt++) {
      const scenario = at(scale);
      const outcome = runToLog(scenario, allocator, seed, logPath, null);
      if (outcome.events >= minEvents || attempt >= 4) {
        let memo: SimEvent[] | null = null;
        const events = (): SimEvent[] => {
          memo ??= runToArray(scenario, allocator, seed).events;
          if (memo.length !== outcome.events)
            throw new Error(`bench: a second run gave ${memo.length} events, the first ${outcome.events}`);
          return memo;
        };
        return { scenario, scale, seed, allocator, count: outcome.events, outcome, events, dir, logPath };
      }
      scale = Math.ceil(scale * (minEvents / Math.max(1, outcome.events)) * 1.02) + 1;
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

export function disposeFixture(f: Fixture): void {
  rmSync(f.dir, { recursive: true, force: true });
}
