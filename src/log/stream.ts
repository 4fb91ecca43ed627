/**
 * The one log parser (issue 15, item 8; issue 17): it reads a log a chunk at a time and hands out one
 * event at a time, so memory is bounded by what the caller keeps, not by the file (`replay` keeps
 * nothing; a 1 GB log is one string too long for V8). `replay`, `debug`, `trace` and `ui` all read
 * through it. The rules:
 *   - line 1 is the header; a bad header is an error at line 1;
 *   - every line that ends with a newline was written whole (the writer appends; a kill leaves a
 *     prefix of the file), so a line that does not parse, or an event that does not fit its schema,
 *     is damage: an error naming the line, whether it is the last line or not;
 *   - only the last line may lack its newline: that is truncation (the writer was killed), and the
 *     complete events before it are the log; a log that ends without a footer is truncated too;
 *   - the footer is the last line, and all its fields are checked: a footer that exists but does not
 *     parse or is incomplete is damage, never truncation.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import type { SimEvent } from "../events/index.js";
import { fnv1a64 } from "../state/hash.js";
import { checkEvent, type SchemaContext } from "../events/event-schema.js";
import { LOG_FORMAT, LOG_VERSION, type LogFooter, type LogHeader } from "./format.js";
import { LogError } from "./log-error.js";

/** Fills `buf` and returns the number of bytes written (0 at the end). */
export type ChunkSource = (buf: Buffer) => number;

/** 64 kB: a 1 GB log is 16,000 reads; a small log does not pay for a megabyte it never fills. */
const CHUNK = 1 << 16;
const REASONS = ["done", "violation", "deadlock", "limit"];

export class LogStream {
  readonly header: LogHeader;
  /** Set once `next()` has returned null: the footer, or why the log is incomplete (exactly one is set). */
  footer: LogFooter | null = null;
  truncated: string | null = null;
  /** Events handed out so far. */
  count = 0;
  /** Byte offsets in the file of the line last read: where it starts, and where the next one starts. */
  lineStart = 0;
  lineEnd = 0;
  private schema: SchemaContext | null = null;
  private buf: Buffer | null = null;
  private readonly decoder = new StringDecoder("utf8");
  private text = "";
  private pos = 0;
  private eof = false;
  private ended = false;
  private readonly headerLine: string;

  /** `text`: input already decoded (then `read` is not called until it is used up). */
  constructor(
    readonly path: string,
    private readonly read: ChunkSource,
    private readonly done: () => void = () => {},
    text = "",
  ) {
    this.text = text;
    const first = this.rawLine();
    if (first === null || !first.complete) throw new LogError(`${path}: line 1: empty or incomplete log header`);
    this.header = parseHeader(first.line, path);
    this.headerLine = first.line;
  }

  /** A stream over a file (closed when the stream ends or fails). */
  static open(path: string): LogStream {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (e) {
      throw new LogError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const close = (): void => closeSync(fd);
    try {
      return new LogStream(path, (b) => readSync(fd, b, 0, b.length, null), close);
    } catch (e) {
      close();
      throw e;
    }
  }

  /** A stream over text already in memory. */
  static ofText(text: string, path: string): LogStream {
    return new LogStream(path, () => 0, undefined, text);
  }

  /** From here on every event is also checked against its type's schema in this context. */
  validateWith(cx: SchemaContext): this {
    this.schema = cx;
    return this;
  }

  /** The next event and its line as written, or null at the end (then `footer` or `truncated` is set). */
  next(): { ev: SimEvent; line: string } | null {
    if (this.ended) return null;
    try {
      return this.advance();
    } catch (e) {
      this.finish();
      throw e;
    }
  }

  /** Reads to the end, calling `each` for every event. */
  forEach(each: (ev: SimEvent, line: string) => void): void {
    for (let r = this.next(); r; r = this.next()) each(r.ev, r.line);
  }

  /** Stops reading (closes the file). */
  close(): void {
    this.finish();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.done();
  }

  private advance(): { ev: SimEvent; line: string } | null {
    const r = this.rawLine();
    const n = this.count;
    const lineNo = n + 2;
    const at = `${this.path}: line ${lineNo}`;
    if (r === null) {
      this.truncated = `it ends after ${n ? `event #${n - 1}` : "the header"} without its footer`;
      this.finish();
      return null;
    }
    let v: unknown;
    try {
      v = JSON.parse(r.line);
    } catch {
      if (r.complete) throw new LogError(`${at}: not a JSON event (the log is damaged)`);
      // A footer cut short is truncation; one with something after its closing "}}" (which appears
      // nowhere else in it) was damaged, as was a last line that ended in its newline (above).
      const close = r.line.indexOf("}}");
      if (r.line.startsWith('{"end":') && close >= 0 && close + 2 < r.line.length)
        throw new LogError(`${at}: malformed footer (the log is damaged)`);
      this.truncated = `line ${lineNo} is incomplete`;
      this.finish();
      return null;
    }
    if (typeof v === "object" && v !== null && !Array.isArray(v) && "end" in v && !("type" in v)) {
      if (this.rawLine() !== null) throw new LogError(`${at}: footer before the end of the log`);
      // As the writer wrote it, byte for byte: JSON.parse forgives what the writer never writes (spaces).
      if (JSON.stringify(v) !== r.line) throw new LogError(`${at}: malformed footer (not as smpsim writes it)`);
      this.footer = checkFooter(v as LogFooter, at, n);
      const digest = this.footer.end.header;
      if (digest !== undefined && digest !== fnv1a64(this.headerLine)) {
        throw new LogError(
          `${this.path}: line 1: the header was changed after the run (the footer's digest of it, on line ${lineNo}, differs)`,
        );
      }
      this.finish();
      return null;
    }
    if (!r.complete) {
      this.truncated = `line ${lineNo} has no line end`;
      this.finish();
      return null;
    }
    const ev = v as SimEvent;
    if (typeof ev !== "object" || ev === null || Array.isArray(ev) || typeof ev.type !== "string" || ev.seq !== n) {
      throw new LogError(`${at}: expected event #${n} (an object with "type" and "seq": ${n})`);
    }
    if (this.schema) {
      const why = checkEvent(ev, this.schema);
      if (why) throw new LogError(`${at}: event #${n} (${ev.type}): ${why}`);
    }
    this.count++;
    return { ev, line: r.line };
  }

  /** The next line without its newline, and whether it had one; null when the input is used up. */
  private rawLine(): { line: string; complete: boolean } | null {
    for (;;) {
      const nl = this.text.indexOf("\n", this.pos);
      if (nl >= 0) {
        const line = this.text.slice(this.pos, nl);
        this.pos = nl + 1;
        this.lineStart = this.lineEnd;
        this.lineEnd += Buffer.byteLength(line) + 1;
        return { line, complete: true };
      }
      if (this.eof) {
        if (this.pos >= this.text.length) return null;
        const line = this.text.slice(this.pos);
        this.pos = this.text.length;
        return { line, complete: false };
      }
      const buf = (this.buf ??= Buffer.allocUnsafe(CHUNK));
      const got = this.read(buf);
      const rest = this.text.slice(this.pos);
      if (got > 0) this.text = rest + this.decoder.write(buf.subarray(0, got));
      else {
        this.text = rest + this.decoder.end();
        this.eof = true;
      }
      this.pos = 0;
    }
  }
}

function parseHeader(line: string, path: string): LogHeader {
  let h: Partial<LogHeader>;
  try {
    h = JSON.parse(line) as Partial<LogHeader>;
  } catch {
    throw new LogError(`${path}: line 1: not a smpsim log header (not JSON)`);
  }
  if (typeof h !== "object" || h === null || Array.isArray(h))
    throw new LogError(`${path}: line 1: not a smpsim log header (not a JSON object)`);
  if (h.format !== LOG_FORMAT) throw new LogError(`${path}: line 1: not a smpsim log (format is ${JSON.stringify(h.format)})`);
  const by = typeof h.toolVersion === "string" ? ` (written by smpsim ${h.toolVersion})` : "";
  if (h.version !== LOG_VERSION) {
    throw new LogError(`${path}: line 1: log format version ${h.version}${by}, this smpsim reads version ${LOG_VERSION}`);
  }
  // The tool version is informative: a log without it (older) or with a non-string one still loads.
  if (h.toolVersion !== undefined && typeof h.toolVersion !== "string") delete h.toolVersion;
  if (!h.config || typeof h.config !== "object") throw new LogError(`${path}: line 1: header has no config`);
  if (typeof h.seed !== "number" || !Number.isInteger(h.seed))
    throw new LogError(`${path}: line 1: header.seed: expected an integer`);
  if (h.strategy !== "random" && h.strategy !== "fifo")
    throw new LogError(`${path}: line 1: header.strategy: expected random or fifo`);
  if (h.schedule !== undefined && typeof h.schedule !== "string")
    throw new LogError(`${path}: line 1: header.schedule: expected a schedule string`);
  return h as LogHeader;
}

function checkFooter(f: LogFooter, at: string, events: number): LogFooter {
  const e = f.end as unknown;
  if (typeof e !== "object" || e === null || Array.isArray(e)) throw new LogError(`${at}: malformed footer (no "end" object)`);
  const end = e as Record<string, unknown>;
  const wrong = (field: string, want: string): never => {
    throw new LogError(`${at}: malformed footer: end.${field} should be ${want}, got ${JSON.stringify(end[field]) ?? "nothing"}`);
  };
  if (Object.keys(f).length !== 1) throw new LogError(`${at}: malformed footer (fields other than "end")`);
  for (const k of Object.keys(end)) if (!["reason", "events", "stateHash", "schedule", "header"].includes(k)) wrong(k, "absent");
  if (end.header !== undefined && (typeof end.header !== "string" || !/^[0-9a-f]{16}$/.test(end.header)))
    wrong("header", "a digest (16 hex digits)");
  if (typeof end.reason !== "string" || !REASONS.includes(end.reason)) wrong("reason", REASONS.join(" or "));
  if (typeof end.events !== "number" || !Number.isInteger(end.events) || end.events < 0) wrong("events", "a count");
  if (typeof end.stateHash !== "string" || !/^[0-9a-f]+$/.test(end.stateHash)) wrong("stateHash", "a hex string");
  if (typeof end.schedule !== "string") wrong("schedule", "a schedule string");
  if (end.events !== events) throw new LogError(`${at}: footer says ${String(end.events)} events, the log has ${events}`);
  return f;
}
