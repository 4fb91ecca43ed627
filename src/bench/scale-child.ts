/**
 * One run of the scaling table in a fresh process (`bin/bench.js --scale-child FILE WARMUP`): what
 * `smpsim run FILE --no-log` does (src/run/run-scenario.ts: random strategy, the scenario's seed, choices
 * not described, only the head of the schedule kept, the final state hash), printing the events measured,
 * their CPU seconds, the CPU seconds of the rest, and the process's peak RSS.
 *
 * Measured: the events after the first WARMUP. Before them the engine's code is still being compiled
 * (the first 200,000 events of a run took 2.5-3.5 times as long as each later 200,000, on every
 * machine of the table), so a row that counted them measured start-up more than events, and shrank
 * every ratio towards 1. Building the machine before the first event and hashing the final state after
 * the last are per-run costs that grow with the machine (4,096 tasks: thousands of page tables to build
 * and hash), not with the events. Both are reported beside the figure (`warmupSeconds`, `setupSeconds`).
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { SimEvent } from "../events/index.js";
import { resolveModules } from "../modules/resolve.js";
import { makeChooser } from "../run/run-scenario.js";
import { ScheduleStream } from "../run/schedule-stream.js";
import { simulate } from "../run/simulate.js";
import type { Scenario } from "../scenario/types.js";
import { stateHash } from "../state/hash.js";
import type { ScaleFigure } from "./scale-bench.js";

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export async function scaleChild(
  file: string,
  warmup: number,
  read: (raw: unknown, file: string) => Scenario,
): Promise<ScaleFigure> {
  const scenario = read(JSON.parse(readFileSync(file, "utf8")), file);
  const start = cpuSeconds();
  const allocator = await resolveModules(scenario, dirname(file));
  const sc = scenario.schedule;
  const chooser = makeChooser("random", sc.seed, scenario.machine.speculation.rate, sc.windowCycles);
  const picks = new ScheduleStream(false);
  let seen = 0;
  let first = -1;
  let warm = -1;
  const sink = (ev: SimEvent): void => {
    if (seen === 0) first = cpuSeconds();
    if (seen++ === warmup) warm = cpuSeconds();
    if (ev.type === "choice") picks.add(ev.pick);
  };
  const { outcome, state } = simulate(scenario, allocator, chooser, sink, undefined, false);
  const last = cpuSeconds();
  if (warm < 0) throw new Error(`bench: ${file} ran ${outcome.events} events, not more than the ${warmup} of its warm-up`);
  stateHash(state);
  picks.finish();
  const end = cpuSeconds();
  return {
    events: seen - warmup,
    cpuSeconds: last - warm,
    warmupSeconds: warm - first,
    setupSeconds: first - start + (end - last),
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
}
