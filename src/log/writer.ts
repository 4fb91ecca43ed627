/**
 * Writes a log crash-safely: lines stream into a temporary file beside the target, which is renamed
 * into place only when the footer is written. An existing file is never replaced unless `force`.
 */
import { closeSync, existsSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { SimEvent } from "../events/index.js";
import type { LogFooter, LogHeader } from "./format.js";
import { LogError } from "./log-error.js";

export class LogExistsError extends Error {
  readonly _tag = "LogExistsError";
}

const FLUSH_AT = 1 << 16;

export class LogWriter {
  private readonly fd: number;
  private readonly tmp: string;
  private buf = "";
  private closed = false;

  constructor(readonly path: string, header: LogHeader, force: boolean) {
    if (!force && existsSync(path)) {
      throw new LogExistsError(`${path}: file exists; not overwriting it without --force`);
    }
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    try {
      this.fd = openSync(this.tmp, "w");
    } catch (e) {
      // Bad input (no such directory, no permission), not a bug: name the file the user gave.
      throw new LogError(`${path}: cannot write the log here: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    this.buf = JSON.stringify(header) + "\n";
  }

  event(ev: SimEvent): void {
    this.buf += JSON.stringify(ev) + "\n";
    if (this.buf.length >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    writeSync(this.fd, this.buf);
    this.buf = "";
  }

  /** Writes the footer and moves the file into place. */
  finish(footer: LogFooter, force: boolean): void {
    this.buf += JSON.stringify(footer) + "\n";
    this.flush();
    closeSync(this.fd);
    this.closed = true;
    if (!force && existsSync(this.path)) {
      unlinkSync(this.tmp);
      throw new LogExistsError(`${this.path}: file appeared during the run; not overwriting it without --force`);
    }
    try {
      renameSync(this.tmp, this.path);
    } catch (e) {
      unlinkSync(this.tmp);
      throw new LogError(`${this.path}: cannot put the log in place: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  /** Drops the temporary file (the run failed before it could finish). */
  abandon(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
    if (existsSync(this.tmp)) unlinkSync(this.tmp);
  }
}
