/**
 * The log file format (version 1), documented in README.md:
 *   line 1      header: {"format":"smpsim-log","version":1,"toolVersion":"0.1.0","scenario":id,"seed":..,"strategy":..,["schedule":..,]"config":{..}}
 *   lines 2..   one event per line, JSON, seq 0, 1, 2, ... in order
 *   last line   footer: {"end":{"reason":..,"events":N,"stateHash":..,"schedule":..,"header":digest of line 1}}
 * A file without its footer was cut short: its complete event lines are still a valid prefix.
 */
import type { StopReason } from "../engine/engine.js";
import type { Scenario } from "../scenario/types.js";
import { toolVersion } from "./tool-version.js";

export const LOG_FORMAT = "smpsim-log";
export const LOG_VERSION = 1;

export interface LogHeader {
  format: typeof LOG_FORMAT;
  version: number;
  /** The smpsim that wrote the log (package.json's version); absent in logs from before it was recorded. */
  toolVersion?: string;
  scenario: string;
  seed: number;
  strategy: string;
  /** The schedule string the run followed before its strategy took over (`run --schedule`), when it had one. */
  schedule?: string;
  /** The resolved scenario: a log replays against the exact configuration that produced it. */
  config: Scenario;
}

export interface LogFooter {
  end: {
    reason: StopReason;
    events: number;
    stateHash: string;
    schedule: string;
    /**
     * A digest of the header line as written (FNV-1a 64, as the state hash): a header edited after the
     * run (a description, an unused field) changes no event, and would otherwise still verify.
     * Absent in logs written before it was added.
     */
    header?: string;
  };
}

export function makeHeader(config: Scenario, seed: number, strategy: string, schedule?: string): LogHeader {
  return {
    format: LOG_FORMAT,
    version: LOG_VERSION,
    toolVersion: toolVersion(),
    scenario: config.id,
    seed,
    strategy,
    ...(schedule === undefined ? {} : { schedule }),
    config,
  };
}
