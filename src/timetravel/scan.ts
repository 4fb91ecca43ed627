/**
 * Long scans over a log (find, watch) as generators that pause every few thousand events. Run to the
 * end at once with `finish`; or a slice at a time, giving the event loop a turn between slices, so the
 * debugger's prompt sees a Ctrl-C and can abandon the command (issue 16, item 5), as gdb does.
 */
export type Scan<T> = Generator<void, T, void>;

/** Events a scan covers between pauses: about a millisecond of work. */
export const SCAN_SLICE = 4096;

/** Runs a scan to its end without pausing. */
export function finish<T>(scan: Scan<T>): T {
  for (;;) {
    const r = scan.next();
    if (r.done) return r.value;
  }
}

/** A scan stopped by the user (Ctrl-C at the debugger's prompt). */
export class ScanInterrupted extends Error {
  readonly _tag = "ScanInterrupted";
}

/** Runs a scan a slice at a time; throws ScanInterrupted when `stop()` turns true between slices. */
export async function finishAsync<T>(scan: Scan<T>, stop: () => boolean): Promise<T> {
  for (;;) {
    const r = scan.next();
    if (r.done) return r.value;
    await new Promise<void>((resume) => setImmediate(resume));
    if (stop()) {
      scan.return(undefined as T);
      throw new ScanInterrupted("interrupted");
    }
  }
}
