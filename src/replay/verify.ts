/**
 * Re-execution replay: run the actors again under the log's configuration, taking every choice from
 * the log, and compare each event they emit with the logged line, byte for byte, then the final state
 * hash. The first difference is a divergence: the model changed, or the log was altered.
 */
import { ScheduleChooser, FifoChooser } from "../engine/chooser.js";
import type { SimEvent } from "../events/index.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import type { LoadedLog } from "../log/reader.js";
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
  field: string | null;
}

class Stop extends Error {}

export function verifyLog(log: LoadedLog, allocator: AsidAllocator): Divergence | null {
  const picks = log.events.filter((e) => e.type === "choice").map((e) => (e as { pick: number }).pick);
  // Past the logged choices (a truncated log), fall back to a fixed strategy; comparison stops there.
  const chooser = new ScheduleChooser(picks, new FifoChooser(), false);
  let seq = 0;
  let diverged: Divergence | null = null;
  const sink = (ev: SimEvent): void => {
    if (seq >= log.lines.length) {
      if (log.truncated) throw new Stop();
      diverged = { seq, logged: null, reexecuted: JSON.stringify(ev), reason: "re-execution emits events past the end of the log", field: null };
      throw new Stop();
    }
    const line = JSON.stringify(ev);
    if (line !== log.lines[seq]) {
      const d = firstDifference(JSON.parse(log.lines[seq]!) as unknown, JSON.parse(line) as unknown);
      diverged = { seq, logged: log.lines[seq]!, reexecuted: line, reason: "the event differs", field: d ? describeDifference(d) : null };
      throw new Stop();
    }
    seq++;
  };
  let hash: string | null = null;
  try {
    const { state } = simulate(log.header.config, allocator, chooser, sink);
    hash = stateHash(state);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  if (diverged) return diverged;
  if (seq < log.lines.length) {
    return { seq, logged: log.lines[seq]!, reexecuted: null, reason: "re-execution ended before the log did", field: null };
  }
  if (hash !== null && log.footer && hash !== log.footer.end.stateHash) {
    return { seq, logged: log.footer.end.stateHash, reexecuted: hash, reason: "the final state hash differs", field: null };
  }
  return null;
}
