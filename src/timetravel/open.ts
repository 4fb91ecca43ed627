/**
 * A log file made ready for time travel: its header's scenario validated, its ASID allocator resolved
 * (a module only when the user allows it: log/modules.ts), its events read through the one streaming
 * parser and checked against their schemas (a truncated tail is reported, its complete events kept),
 * and the initial state built.
 */
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { namingFile } from "../log/apply-logged.js";
import { schemaOf } from "../events/event-schema.js";
import { logAllocator } from "../log/modules.js";
import { LogStream } from "../log/stream.js";
import { scenarioInitialState } from "../run/simulate.js";
import type { Scenario } from "../scenario/types.js";
import type { MachineState } from "../state/machine-state.js";
import type { SimEvent } from "../events/index.js";
import type { EventLog } from "./load.js";
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
  const stream = LogStream.open(path);
  const events: SimEvent[] = [];
  let scenario: Scenario;
  let allocator: AsidAllocator;
  try {
    scenario = check(stream.header.config, `${path}: line 1: config`);
    stream.header.config = scenario;
    allocator = await logAllocator(scenario, path, allowModules);
    stream.validateWith(schemaOf(scenario));
    stream.forEach((ev) => void events.push(ev));
  } finally {
    stream.close();
  }
  const log: EventLog = { header: stream.header, events, footer: stream.footer, truncated: stream.truncated };
  return { path, log, scenario, allocator, initial: () => scenarioInitialState(scenario, allocator) };
}

/** The timeline of an opened log; a log whose events do not fold (damaged) is a LogError naming its line. */
export function timelineOf(opened: OpenedLog, k?: number): Timeline {
  return namingFile(opened.path, () => new Timeline(opened.initial(), opened.log.events, k));
}
