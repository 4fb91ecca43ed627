/**
 * One run of the scaling table in a fresh process (`bin/bench.js --scale-child FILE`): as `smpsim run FILE
 * --no-log` does it (random strategy, the scenario's seed, only the head of the schedule kept), printing
 * the events, the CPU seconds of the run itself (not the start-up) and the process's peak RSS.
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { runScenario } from "../run/run-scenario.js";
import type { Scenario } from "../scenario/types.js";
import type { ScaleFigure } from "./scale-bench.js";

export async function scaleChild(file: string, read: (raw: unknown, file: string) => Scenario): Promise<ScaleFigure> {
  const scenario = read(JSON.parse(readFileSync(file, "utf8")), file);
  const before = process.cpuUsage();
  const r = await runScenario({
    scenario,
    baseDir: dirname(file),
    seed: scenario.schedule.seed,
    strategy: "random",
    keepSchedule: false,
  });
  const cpu = process.cpuUsage(before);
  return { events: r.outcome.events, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024 };
}
