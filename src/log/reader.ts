/**
 * A whole log in memory, for callers that need every line (tests, the bench). It goes through the one
 * streaming parser (stream.ts), so the rules and messages are the same; the commands stream instead.
 */
import type { SimEvent } from "../events/index.js";
import type { LogFooter, LogHeader } from "./format.js";
import { LogError } from "./log-error.js";
import { LogStream } from "./stream.js";

export { LogError };

export interface LoadedLog {
  header: LogHeader;
  events: SimEvent[];
  /** The event lines exactly as written, for byte-level comparison. */
  lines: string[];
  footer: LogFooter | null;
  /** Why the log is incomplete, or null when it ends with its footer. */
  truncated: string | null;
}

export function readLog(path: string): LoadedLog {
  return collect(LogStream.open(path));
}

export function parseLog(text: string, path: string): LoadedLog {
  return collect(LogStream.ofText(text, path));
}

function collect(s: LogStream): LoadedLog {
  const events: SimEvent[] = [];
  const lines: string[] = [];
  s.forEach((ev, line) => {
    events.push(ev);
    lines.push(line);
  });
  return { header: s.header, events, lines, footer: s.footer, truncated: s.truncated };
}
