/**
 * Loads a log for time travel: the header, the events, the footer and whether the tail was cut short,
 * with the same rules and messages as src/log/reader.ts (`parseLog`). It reads the file in chunks and
 * keeps only the parsed events: `readLog` holds the whole text and every line as a string as well,
 * which for a 1,000,000-event log (about 100 MB of text) pushes the process past 370 MB of RSS, where
 * this stays near 240 MB (measured with /usr/bin/time on the bench fixture), and the debugger needs
 * the events only.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import type { SimEvent } from "../events/index.js";
import type { LogFooter, LogHeader } from "../log/format.js";
import { LogError, parseLog } from "../log/reader.js";

export interface EventLog {
  header: LogHeader;
  events: SimEvent[];
  footer: LogFooter | null;
  /** Why the log is incomplete, or null when it ends with its footer. */
  truncated: string | null;
}

const CHUNK = 1 << 20;

function openOrThrow(path: string): number {
  try {
    return openSync(path, "r");
  } catch (e) {
    throw new LogError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Same result as `readLog(path)` without `lines`. */
export function loadEventLog(path: string): EventLog {
  const fd = openOrThrow(path);
  try {
    return parseChunks(path, (buf) => readSync(fd, buf, 0, buf.length, null));
  } finally {
    closeSync(fd);
  }
}

/** The parser over any source of chunks (`read` fills the buffer and returns the bytes it wrote, 0 at the end). */
export function parseChunks(path: string, read: (buf: Buffer) => number): EventLog {
  const buf = Buffer.allocUnsafe(CHUNK);
  const decoder = new StringDecoder("utf8");
  const p = new LineParser(path);
  let tail = "";
  for (;;) {
    const n = read(buf);
    const text = n > 0 ? tail + decoder.write(buf.subarray(0, n)) : tail + decoder.end();
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      p.line(text.slice(start, nl));
      start = nl + 1;
    }
    tail = text.slice(start);
    if (n === 0) break;
  }
  // parseLog's raw lines: every segment of split("\n"), less the empty one after a final newline.
  if (tail !== "") p.line(tail);
  return p.finish(tail === "");
}

/**
 * Sees one raw line at a time but handles it one line late: parseLog treats the last line differently
 * (a damaged last line is truncation, not corruption; the footer must be last), and which line is last
 * is known only when the next one arrives or the input ends.
 */
class LineParser {
  private header: LogHeader | null = null;
  private held: string | null = null;
  private index = 0;
  readonly events: SimEvent[] = [];
  private footer: LogFooter | null = null;
  private truncated: string | null = null;
  /** The last line was handled (a footer, or a damaged tail): nothing follows. */
  private stopped = false;

  constructor(private readonly path: string) {}

  line(raw: string): void {
    if (this.held !== null) this.handle(this.held, this.index - 1, false, true);
    this.held = raw;
    this.index++;
  }

  finish(complete: boolean): EventLog {
    if (!this.stopped && this.held !== null) this.handle(this.held, this.index - 1, true, complete);
    if (!this.header) {
      // No line at all, or only an unterminated one: let the reader say what is wrong with it.
      parseLog(this.held ?? "", this.path);
      throw new LogError(`${this.path}: line 1: empty or incomplete log header`);
    }
    const events = this.events;
    if (!this.footer && !this.truncated) {
      this.truncated = `it ends after ${events.length ? `event #${events.length - 1}` : "the header"} without its footer`;
    }
    if (this.footer && this.footer.end.events !== events.length) {
      throw new LogError(`${this.path}: footer says ${this.footer.end.events} events, the log has ${events.length}`);
    }
    return { header: this.header, events, footer: this.footer, truncated: this.truncated };
  }

  /** Line `i` (0-based: the header is 0), whether it is the last one, and whether the text ends with a newline. */
  private handle(line: string, i: number, last: boolean, complete: boolean): void {
    if (this.stopped) return;
    if (i === 0) {
      if (last && !complete) throw new LogError(`${this.path}: line 1: empty or incomplete log header`);
      this.header = parseLog(line + "\n", this.path).header;
      return;
    }
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      if (last) {
        this.truncated = `line ${i + 1} is incomplete`;
        this.stopped = true;
        return;
      }
      throw new LogError(`${this.path}: line ${i + 1}: not a JSON event (the log is corrupted)`);
    }
    if (typeof v === "object" && v !== null && "end" in v && !("type" in v)) {
      if (!last) throw new LogError(`${this.path}: line ${i + 1}: footer before the end of the log`);
      const f = v as LogFooter;
      if (typeof f.end !== "object" || f.end === null) throw new LogError(`${this.path}: line ${i + 1}: malformed footer (no "end" object)`);
      this.footer = f;
      this.stopped = true;
      return;
    }
    if (last && !complete) {
      this.truncated = `line ${i + 1} has no line end`;
      this.stopped = true;
      return;
    }
    const ev = v as SimEvent;
    const n = this.events.length;
    if (typeof ev !== "object" || ev === null || typeof ev.type !== "string" || ev.seq !== n) {
      throw new LogError(`${this.path}: line ${i + 1}: expected event #${n} (an object with "type" and "seq": ${n})`);
    }
    this.events.push(ev);
  }
}
