/**
 * Helpers the test files share: built-in scenarios by name, and runs that keep their events (and, when
 * asked, the live machine state after each event). Not a test file itself (vitest runs *.test.ts only).
 */
import { builtinScenarios, readScenario } from "../../scenarios/index.js";
import { FifoChooser, type Chooser, type StrategyName } from "../../src/engine/chooser.js";
import type { RunOutcome } from "../../src/engine/engine.js";
import { encodeSchedule } from "../../src/engine/schedule.js";
import type { SimEvent } from "../../src/events/index.js";
import type { AsidAllocator } from "../../src/kernel/asid/allocator.js";
import { builtinAllocators } from "../../src/kernel/asid/registry.js";
import { makeHeader } from "../../src/log/format.js";
import type { LoadedLog } from "../../src/log/reader.js";
import { makeChooser } from "../../src/run/run-scenario.js";
import { setUp } from "../../src/run/simulate.js";
import type { Scenario } from "../../src/scenario/types.js";
import { stateHash } from "../../src/state/hash.js";
import type { MachineState } from "../../src/state/machine-state.js";
import { thaw } from "../../src/timetravel/copy.js";

export const builtinIds: readonly string[] = builtinScenarios.map((s) => s.id);

export function builtin(id: string): Scenario {
  const b = builtinScenarios.find((s) => s.id === id);
  if (!b) throw new Error(`no built-in scenario ${id}`);
  return readScenario(b.raw, `built-in scenario ${id}`);
}

export function allocatorOf(s: Scenario): AsidAllocator {
  const a = builtinAllocators[s.kernel.asidAllocator];
  if (!a) throw new Error(`scenario ${s.id} uses allocator ${s.kernel.asidAllocator}, not a built-in`);
  return a;
}

export interface Run {
  scenario: Scenario;
  seed: number;
  strategy: StrategyName;
  outcome: RunOutcome;
  state: MachineState;
  events: SimEvent[];
  /** Each event as the log writes it. */
  lines: string[];
  schedule: string;
  /** With `snapshots`: deep copies of the live state, by the number of events applied when it was taken. */
  after: Map<number, MachineState>;
}

export interface RunOpts {
  seed?: number;
  strategy?: StrategyName;
  chooser?: Chooser;
  /** Copy the live state after every event (true), or after the given numbers of events. */
  snapshots?: boolean | ReadonlySet<number>;
}

/** Runs a scenario on a hand-assembled engine, so that the sink can see the live state. */
export function runWith(scenario: Scenario, opts: RunOpts = {}): Run {
  const seed = opts.seed ?? 1;
  const strategy = opts.strategy ?? "random";
  const allocator = allocatorOf(scenario);
  const chooser = opts.chooser ?? makeChooser(strategy, seed, scenario.machine.speculation.rate, scenario.schedule.windowCycles);
  const events: SimEvent[] = [];
  const lines: string[] = [];
  const after = new Map<number, MachineState>();
  const snap = opts.snapshots ?? false;
  const picks: number[] = [];
  const sinkFor =
    (state: MachineState) =>
    (ev: SimEvent): void => {
      events.push(ev);
      lines.push(JSON.stringify(ev));
      if (ev.type === "choice") picks.push(ev.pick);
      if (snap === true || (snap !== false && snap.has(events.length))) after.set(events.length, thaw(state));
    };
  const { state, run } = setUp(scenario, allocator, chooser, sinkFor);
  const outcome = run();
  return { scenario, seed, strategy, outcome, state, events, lines, schedule: encodeSchedule(picks), after };
}

/** The log a run would write, as the reader returns it, without touching the disk. */
export function loadedLogOf(r: Run): LoadedLog {
  return {
    header: makeHeader(r.scenario, r.seed, r.strategy),
    events: r.events,
    lines: r.lines,
    footer: { end: { reason: r.outcome.reason, events: r.outcome.events, stateHash: stateHash(r.state), schedule: r.schedule } },
    truncated: null,
  };
}

/** The text of the log file a run would write (header, one event per line, footer). */
export function logTextOf(r: Run): string {
  const l = loadedLogOf(r);
  return [JSON.stringify(l.header), ...l.lines, JSON.stringify(l.footer)].join("\n") + "\n";
}

export const fifo = (): Chooser => new FifoChooser();
