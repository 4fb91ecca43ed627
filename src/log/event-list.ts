/**
 * The events of a log as the time-travel tools read them: a length, one event by number, a range, and
 * iteration in order. An array is one (tests, short logs); `FileEvents` (event-file.ts) is one that
 * keeps a few blocks of parsed events and re-reads the rest from the file on demand, so a debugger or
 * viewer over a log of any size holds snapshots and an index, not the events (issue 15, item 8).
 */
import type { SimEvent } from "../events/index.js";

export interface EventList extends Iterable<SimEvent> {
  readonly length: number;
  /** Event number i (its seq), or undefined past the end; i must not be negative (an array counts from its end then). */
  at(i: number): SimEvent | undefined;
  /** Events from .. to - 1, clamped to the log. */
  slice(from: number, to: number): SimEvent[];
}
