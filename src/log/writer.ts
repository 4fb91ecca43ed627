/**
 * Writes a log crash-safely: lines stream into a temporary file beside the target, which is renamed
 * into place only when the footer is written. An existing file is never replaced unless `force`.
 */
import { closeSync, existsSync, linkSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { SimEvent } from "../events/index.js";
import { fnv1a64 } from "../state/hash.js";
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
  private readonly headerDigest: string;

  constructor(
    readonly path: string,
    header: LogHeader,
    force: boolean,
  ) {
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
    const line = JSON.stringify(header);
    this.headerDigest = fnv1a64(line);
    this.buf = line + "\n";
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
    this.buf += JSON.stringify({ end: { ...footer.end, header: this.headerDigest } }) + "\n";
    this.flush();
    closeSync(this.fd);
    this.closed = true;
    try {
      // Without --force the target is created exclusively: link() fails if it exists, atomically, so two
      // runs finishing at once cannot both write it (a check then a rename could race).
      if (force) renameSync(this.tmp, this.path);
      else {
        exclusiveLink(this.tmp, this.path);
        unlinkSync(this.tmp);
      }
    } catch (e) {
      if (existsSync(this.tmp)) unlinkSync(this.tmp);
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST")
        throw new LogExistsError(`${this.path}: file appeared during the run; not overwriting it without --force`);
      throw new LogError(`${this.path}: cannot put the log in place: ${code ?? (e as Error).message}`);
    }
  }

  /** Drops the temporary file (the run failed before it could finish). */
  abandon(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
    if (existsSync(this.tmp)) unlinkSync(this.tmp);
  }
}

/** link(), or on a file system without hard links a check and a rename (the race is back there, narrowly). */
function exclusiveLink(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw e;
    if (existsSync(to)) throw Object.assign(new Error("exists"), { code: "EEXIST" });
    renameSync(from, to);
  }
}

/**
 * Temporary logs in `dir` left by runs that were killed (kill -9, Ctrl-C: a run is one synchronous loop,
 * so it cannot clean up on a signal) and whose process is gone. The caller removes them and says so.
 */
export function staleTemps(dir: string): { file: string; pid: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { file: string; pid: number }[] = [];
  for (const n of names) {
    const m = /^\..+\.(\d+)\.tmp$/.exec(n);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    out.push({ file: join(dir, n), pid });
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
