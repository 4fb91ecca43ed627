/**
 * What a long `explore` shows and how it stops, all on the wall clock (display and stop conditions
 * only: nothing the search does depends on it). A progress bar on a terminal; off one, a line every
 * few seconds (so a log file or CI shows the search alive); a time limit; and SIGINT/SIGTERM, which
 * stop the search at the next schedule so the command can print what it covered (a second signal
 * ends the process at once).
 */
import type { ExploreProgress } from "../explore/explorer.js";
import { UsageError } from "./errors.js";
import type { Io } from "./io.js";
import { ProgressBar } from "./progress.js";

export type StopReason = "SIGINT" | "SIGTERM" | "time limit";

/** A second stop signal sooner than this after the first is the same stop delivered twice. */
const SAME_STOP_S = 1;

/** Seconds between progress lines when stderr is not a terminal. */
const LINE_EVERY_S = 5;

/** "90", "90s", "10m", "1h", "1h30m" → seconds. */
export function parseDuration(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/.exec(text.trim());
  const [h, min, s] = m ? [m[1], m[2], m[3]].map((x) => Number(x ?? 0)) : [];
  if (!m || text.trim() === "" || h === undefined || min === undefined || s === undefined || h * 3600 + min * 60 + s === 0) {
    throw new UsageError(`explore: --time wants a duration like 90s, 10m or 1h30m, got "${text}"`);
  }
  return h * 3600 + min * 60 + s;
}

export class SearchWatch {
  stopped: StopReason | null = null;
  private readonly start = process.hrtime.bigint();
  private lastLine = 0;
  private readonly bar: ProgressBar;
  private readonly handlers: [NodeJS.Signals, () => void][] = [];
  /** When the first stop signal came (seconds since the start), or null. */
  private signalledAt: number | null = null;

  constructor(
    private readonly io: Io,
    private readonly label: string,
    budget: number,
    private readonly limitS: number | null,
    drawBar: boolean,
  ) {
    this.bar = new ProgressBar(io.tty && drawBar, budget, label);
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      const h = (): void => {
        // A second signal quits at once, unless it follows the first within a second: `timeout` (and
        // a kill of the process group) delivers one stop twice, microseconds apart, which would lose
        // the coverage the first one asked for.
        if (this.stopped) {
          if (this.signalledAt !== null && this.seconds() - this.signalledAt < SAME_STOP_S) return;
          process.exit(sig === "SIGINT" ? 130 : 143);
        }
        this.signalledAt = this.seconds();
        this.bar.finish();
        this.stopped = sig;
        io.err(`${label}: ${sig}: stopping after the current schedule (again to quit at once)`);
      };
      process.on(sig, h);
      this.handlers.push([sig, h]);
    }
  }

  seconds(): number {
    return Number(process.hrtime.bigint() - this.start) / 1e9;
  }

  /** The search's `proceed`: false once a signal came or the time is up. */
  readonly proceed = (): boolean => {
    if (!this.stopped && this.limitS !== null && this.seconds() >= this.limitS) this.stopped = "time limit";
    return this.stopped === null;
  };

  readonly onProgress = (p: ExploreProgress): void => {
    if (this.io.tty) return this.bar.update(p.schedules, p.found);
    const s = this.seconds();
    if (s - this.lastLine < LINE_EVERY_S) return;
    this.lastLine = s;
    const rate = s > 0 ? p.schedules / s : 0;
    const states = p.statesSeen !== undefined ? `, ${p.statesSeen} states seen` : "";
    this.io.err(`${this.label}: ${p.schedules} schedules, ${Math.round(rate)}/s${states}, found ${p.found}, ${Math.round(s)} s`);
  };

  /** Ends the display. A signal from now on (while a counterexample is shrunk) is noted, not fatal. */
  finish(): void {
    this.bar.finish();
  }

  /** Gives the signals back to Node's default handling. */
  release(): void {
    // After a stop by signal the handlers stay: a duplicate of that signal may still be on its way, and
    // Node's default handling would kill the process before its output is out (a later one exits).
    if (this.signalledAt !== null) return;
    for (const [sig, h] of this.handlers) process.off(sig, h);
  }
}
