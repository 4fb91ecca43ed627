/**
 * A log file made ready for time travel: loaded (a truncated tail is reported, its complete events kept),
 * its header's scenario validated, its ASID allocator resolved (the allocator sets up the shared
 * variables of the initial state), and the initial state built.
 */
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { logAllocator } from "../log/modules.js";
import { scenarioInitialState } from "../run/simulate.js";
import type { Scenario } from "../scenario/types.js";
import type { MachineState } from "../state/machine-state.js";
import { loadEventLog, type EventLog } from "./load.js";
import { Timeline } from "./timeline.js";

export interface OpenedLog {
  path: string;
  log: EventLog;
  scenario: Scenario;
  allocator: AsidAllocator;
  /** A fresh initial state each call. */
  initial(): MachineState;
}

/**
 * `check` validates the header's resolved scenario (the CLI's catalog.check); it throws on bad input.
 * `allowModules`: the user allows loading an allocator module the header names (see log/modules.ts).
 */
export async function openLog(path: string, check: (raw: unknown, where: string) => Scenario, allowModules = false): Promise<OpenedLog> {
  const log = loadEventLog(path);
  const scenario = check(log.header.config, `${path}: line 1: config`);
  log.header.config = scenario;
  const allocator = await logAllocator(scenario, path, allowModules);
  return { path, log, scenario, allocator, initial: () => scenarioInitialState(scenario, allocator) };
}

export function timelineOf(opened: OpenedLog, k?: number): Timeline {
  return new Timeline(opened.initial(), opened.log.events, k);
}
