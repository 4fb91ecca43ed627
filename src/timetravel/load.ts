/**
 * Loads a log for time travel: the header, the events, the footer and whether the tail was cut short,
 * through the one streaming parser (src/log/stream.ts). It keeps only the parsed events, not the
 * text or the lines: the debugger needs the events only.
 */
import type { SimEvent } from "../events/index.js";
import type { SchemaContext } from "../events/event-schema.js";
import type { LogFooter, LogHeader } from "../log/format.js";
import { LogStream, type ChunkSource } from "../log/stream.js";

export interface EventLog {
  header: LogHeader;
  events: SimEvent[];
  footer: LogFooter | null;
  /** Why the log is incomplete, or null when it ends with its footer. */
  truncated: string | null;
}

/**
 * Same result as `readLog(path)` without `lines`. `schema`, given the header, says what its events may
 * refer to (the header's configuration, once validated): each event is then checked against its type.
 */
export function loadEventLog(path: string, schema?: (header: LogHeader) => SchemaContext): EventLog {
  return collect(LogStream.open(path), schema);
}

/** The parser over any source of chunks (`read` fills the buffer and returns the bytes it wrote, 0 at the end). */
export function parseChunks(path: string, read: ChunkSource): EventLog {
  return collect(new LogStream(path, read));
}

function collect(s: LogStream, schema?: (header: LogHeader) => SchemaContext): EventLog {
  if (schema) {
    try {
      s.validateWith(schema(s.header));
    } catch (e) {
      s.close();
      throw e;
    }
  }
  const events: SimEvent[] = [];
  s.forEach((ev) => void events.push(ev));
  return { header: s.header, events, footer: s.footer, truncated: s.truncated };
}
