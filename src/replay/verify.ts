/**
 * Re-execution replay: run the actors again under the log's configuration, making every choice as the
 * header says the run made them (its schedule prefix, then its strategy and seed), and compare each event
 * they emit with the logged line, byte for byte, then the footer: stop reason, event count, schedule and
 * final state hash. The first difference is a divergence: the model changed, or the log was altered
 * (an altered choice, seed or strategy shows up as the first choice that differs).
 */
import { ScheduleChooser } from "../engine/chooser.js";
import { decodeScheduleLazily, encodeSchedule } from "../engine/schedule.js";
import type { SimEvent } from "../events/index.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import type { LogFooter, LogHeader } from "../log/format.js";
import { LogError } from "../log/log-error.js";
import type { LoadedLog } from "../log/reader.js";
import { makeChooser } from "../run/run-scenario.js";
import { simulate } from "../run/simulate.js";
import { stateHash } from "../state/hash.js";
import { describeDifference, firstDifference } from "./first-difference.js";

export interface Divergence {
  /** Sequence number of the first event that differs (or the length, when one run is longer). */
  seq: number;
  logged: string | null;
  reexecuted: string | null;
  reason: string;
  /** The first field that differs, when both lines are events ("field type: logged ..., re-executed ..."). */
  field?: string | null;
}

/** The logged run as re-execution reads it: the header, the event lines one at a time, then how it ended. */
export interface LoggedRun {
  header: LogHeader;
  /** The next event line, or null after the last. */
  nextLine(): string | null;
  /** Read once every line has been taken. */
  ending(): { footer: LogFooter | null; truncated: string | null };
}

class Stop extends Error {}

export function verifyRun(log: LoggedRun, allocator: AsidAllocator): Divergence | null {
  const h = log.header;
  const sc = h.config;
  if (h.strategy !== "random" && h.strategy !== "fifo")
    throw new LogError(`line 1: header.strategy: expected random or fifo, got ${JSON.stringify(h.strategy)}`);
  const base = makeChooser(h.strategy, h.seed, sc.machine.speculation.rate, sc.schedule.windowCycles);
  const prefix = h.schedule === undefined ? null : decodeScheduleLazily(h.schedule);
  const chooser = prefix ? new ScheduleChooser(prefix, base, true) : base;
  let seq = 0;
  let diverged: Divergence | null = null;
  let truncatedAt = -1;
  const picks: number[] = [];
  const sink = (ev: SimEvent): void => {
    if (ev.type === "choice") picks.push(ev.pick);
    const logged = log.nextLine();
    if (logged === null) {
      if (log.ending().truncated !== null) {
        truncatedAt = seq;
        throw new Stop();
      }
      diverged = {
        seq,
        logged: null,
        reexecuted: JSON.stringify(ev),
        reason: "re-execution emits events past the end of the log",
      };
      throw new Stop();
    }
    const line = JSON.stringify(ev);
    if (line !== logged) {
      diverged = {
        seq,
        logged,
        reexecuted: line,
        field: differingField(logged, line),
        reason:
          seq === 0 || ev.type !== "choice"
            ? "the event differs"
            : "the event differs (a choice the header's seed, strategy and schedule do not make)",
      };
      throw new Stop();
    }
    seq++;
  };
  let end: { reason: string; hash: string } | null = null;
  try {
    const { state, outcome } = simulate(sc, allocator, chooser, sink);
    end = { reason: outcome.reason, hash: stateHash(state) };
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  if (diverged) return diverged;
  if (truncatedAt >= 0) return null;
  const pending = log.nextLine();
  if (pending !== null) return { seq, logged: pending, reexecuted: null, reason: "re-execution ended before the log did" };
  const { footer } = log.ending();
  if (!end || !footer) return null;
  const f = footer.end;
  const schedule = encodeSchedule(picks);
  if (f.reason !== end.reason)
    return {
      seq,
      logged: `end.reason ${f.reason}`,
      reexecuted: `end.reason ${end.reason}`,
      reason: "the footer's stop reason differs",
    };
  if (f.schedule !== schedule)
    return {
      seq,
      logged: `end.schedule ${f.schedule}`,
      reexecuted: `end.schedule ${schedule}`,
      reason: "the footer's schedule differs",
    };
  if (f.stateHash !== end.hash) return { seq, logged: f.stateHash, reexecuted: end.hash, reason: "the final state hash differs" };
  return null;
}

/** `verifyRun` over a log in memory. */
export function verifyLog(log: LoadedLog, allocator: AsidAllocator): Divergence | null {
  let i = 0;
  return verifyRun(
    {
      header: log.header,
      nextLine: () => (i < log.lines.length ? log.lines[i++]! : null),
      ending: () => ({ footer: log.footer, truncated: log.truncated }),
    },
    allocator,
  );
}

/** The first differing field of two event lines, or null when the logged line is not JSON. */
function differingField(logged: string, line: string): string | null {
  let was: unknown;
  try {
    was = JSON.parse(logged);
  } catch {
    return null;
  }
  const d = firstDifference(was, JSON.parse(line) as unknown);
  return d ? describeDifference(d) : null;
}
