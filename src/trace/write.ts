/**
 * Writes a trace file: to a temporary file beside the target, put in place at the end, so a failed
 * export never leaves half a file; an existing file is kept unless `force`. Events are written in
 * batches, one per line, as they come (a stream: export.ts `streamTrace`), so a trace of a
 * million-event log never becomes one giant string nor one giant array.
 */
import { closeSync, existsSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { inMicros, type TraceEvent } from "./trace-event.js";

/** Bad input (the CLI exits 2 with the message): the tag is what src/cli/errors.ts recognises. */
export class TraceFileError extends Error {
  readonly _tag = "UsageError";
}

const BATCH = 4096;

export function writeTrace(path: string, events: Iterable<TraceEvent>, otherData: Record<string, unknown>, force: boolean): void {
  if (!force && existsSync(path)) throw new TraceFileError(`${path}: file exists; not overwriting it without --force`);
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number;
  try {
    fd = openSync(tmp, "wx");
  } catch (e) {
    throw new TraceFileError(
      `${path}: cannot write the trace here: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let open = true;
  try {
    // Timestamps in cycles become the format's microseconds here (trace-event.ts, `micros`).
    writeSync(fd, `{"displayTimeUnit":"ns","traceEvents":[\n`);
    let batch: string[] = [];
    let first = true;
    const flush = (): void => {
      writeSync(fd, (first ? "" : ",\n") + batch.join(",\n"));
      first = false;
      batch = [];
    };
    for (const e of events) {
      batch.push(JSON.stringify(inMicros(e)));
      if (batch.length === BATCH) flush();
    }
    if (batch.length) flush();
    writeSync(fd, `\n],"otherData":${JSON.stringify(otherData)}}\n`);
    closeSync(fd);
    open = false;
    if (force) renameSync(tmp, path);
    else {
      // link fails if the target appeared meanwhile: never clobber without --force.
      try {
        linkSync(tmp, path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST")
          throw new TraceFileError(`${path}: file appeared meanwhile; not overwriting it without --force`);
        throw new TraceFileError(
          `${path}: cannot put the trace in place: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      unlinkSync(tmp);
    }
  } catch (e) {
    if (open) closeSync(fd);
    if (existsSync(tmp)) unlinkSync(tmp);
    throw e;
  }
}
