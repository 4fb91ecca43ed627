/**
 * Reads a log. A malformed header or a malformed line in the middle is an error naming the line;
 * a damaged or missing tail (the writer was killed) is reported as truncation and the complete events
 * before it still load.
 */
import { readFileSync } from "node:fs";
import type { SimEvent } from "../events/index.js";
import { LOG_FORMAT, LOG_VERSION, type LogFooter, type LogHeader } from "./format.js";

export class LogError extends Error {
  readonly _tag = "LogError";
}

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
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new LogError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseLog(text, path);
}

export function parseLog(text: string, path: string): LoadedLog {
  const raw = text.split("\n");
  const complete = text.endsWith("\n");
  if (complete) raw.pop();
  if (raw.length === 0 || (raw.length === 1 && !complete)) throw new LogError(`${path}: line 1: empty or incomplete log header`);
  const header = parseHeader(raw[0]!, path);
  const events: SimEvent[] = [];
  const lines: string[] = [];
  let footer: LogFooter | null = null;
  let truncated: string | null = null;
  for (let i = 1; i < raw.length; i++) {
    const line = raw[i]!;
    const last = i === raw.length - 1;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      if (last) {
        truncated = `line ${i + 1} is incomplete`;
        break;
      }
      throw new LogError(`${path}: line ${i + 1}: not a JSON event (the log is corrupted)`);
    }
    if (isFooter(v)) {
      if (!last) throw new LogError(`${path}: line ${i + 1}: footer before the end of the log`);
      if (typeof v.end !== "object" || v.end === null) throw new LogError(`${path}: line ${i + 1}: malformed footer (no "end" object)`);
      footer = v;
      break;
    }
    if (last && !complete) {
      truncated = `line ${i + 1} has no line end`;
      break;
    }
    const ev = v as SimEvent;
    if (typeof ev !== "object" || ev === null || typeof ev.type !== "string" || ev.seq !== events.length) {
      throw new LogError(`${path}: line ${i + 1}: expected event #${events.length} (an object with "type" and "seq": ${events.length})`);
    }
    events.push(ev);
    lines.push(line);
  }
  if (!footer && !truncated) {
    truncated = `it ends after ${events.length ? `event #${events.length - 1}` : "the header"} without its footer`;
  }
  if (footer && footer.end.events !== events.length) {
    throw new LogError(`${path}: footer says ${footer.end.events} events, the log has ${events.length}`);
  }
  return { header, events, lines, footer, truncated };
}

function parseHeader(line: string, path: string): LogHeader {
  let h: Partial<LogHeader>;
  try {
    h = JSON.parse(line) as Partial<LogHeader>;
  } catch {
    throw new LogError(`${path}: line 1: not a smpsim log header (not JSON)`);
  }
  if (typeof h !== "object" || h === null) throw new LogError(`${path}: line 1: not a smpsim log header (not a JSON object)`);
  if (h.format !== LOG_FORMAT) throw new LogError(`${path}: line 1: not a smpsim log (format is ${JSON.stringify(h.format)})`);
  const by = typeof h.toolVersion === "string" ? ` (written by smpsim ${h.toolVersion})` : "";
  if (h.version !== LOG_VERSION) {
    throw new LogError(`${path}: line 1: log format version ${h.version}${by}, this smpsim reads version ${LOG_VERSION}`);
  }
  // The tool version is informative: a log without it (older) or with a non-string one still loads.
  if (h.toolVersion !== undefined && typeof h.toolVersion !== "string") delete h.toolVersion;
  if (!h.config || typeof h.config !== "object") throw new LogError(`${path}: line 1: header has no config`);
  return h as LogHeader;
}

function isFooter(v: unknown): v is LogFooter {
  return typeof v === "object" && v !== null && "end" in v && !("type" in v);
}
