/**
 * The Chrome Trace Event format, as far as the exporter uses it (the "JSON Object Format": a
 * `traceEvents` array), and the order events are written in.
 *
 * Time: the format's `ts` and `dur` are microseconds, and Perfetto reads them so whatever
 * `displayTimeUnit` says (that field only changes chrome://tracing's labels). The exporter works in the
 * log's modelled cycles; the file gets cycles / 1000 (`micros`), so one cycle shows as 1 ns, a 1 GHz
 * core. `displayTimeUnit` stays "ns" for chrome://tracing.
 */
export type Phase = "M" | "X" | "i" | "s" | "f" | "C";

export interface TraceEvent {
  name: string;
  ph: Phase;
  pid: number;
  /** Absent on counters (process-wide) and process metadata. */
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  /** Flow id: one "s" and one "f" share it. */
  id?: number;
  /** "e": bind the flow end to the enclosing slice rather than the next one. */
  bp?: "e";
  /** Instant scope: thread, process or global. */
  s?: "t" | "p" | "g";
  args?: Record<string, unknown>;
}

/** The machine is one process; core c is thread c; the machine-wide track (violations) comes after the cores. */
export const PID = 1;

const RANK: Record<Phase, number> = { M: 0, X: 1, i: 2, C: 3, s: 4, f: 5 };

/**
 * File order: metadata first, then by time; at one time, enclosing slices before what they enclose
 * (longer first), so that a flow event that follows binds to the innermost slice already open.
 */
export function traceOrder(a: TraceEvent, b: TraceEvent): number {
  if (a.ph === "M" || b.ph === "M") return (a.ph === "M" ? 0 : 1) - (b.ph === "M" ? 0 : 1);
  return (a.ts ?? 0) - (b.ts ?? 0) || RANK[a.ph] - RANK[b.ph] || (b.dur ?? 0) - (a.dur ?? 0);
}

/**
 * `traceOrder` as a sort key, for an event that is not metadata, with the tie-break the exporter's
 * in-memory sort had (it was stable): `group` 0 for instants, counters and flows in the order made,
 * 1 for core slices (by core, then their nesting order), 2 for vCPU slices (by track); `n` orders
 * the rest (unique).
 */
export function orderKey(e: TraceEvent, group: 0 | 1 | 2, track: number, sub: number, n: number): number[] {
  return [e.ts ?? 0, RANK[e.ph], -(e.dur ?? 0), group, track, sub, n];
}

/**
 * Cycles as the file's microseconds: cycles / 1000, nudged up by an ulp where the quotient falls just
 * below it, so that a reader that converts back to integer nanoseconds by truncation (x * 1000, cut)
 * gets exactly `cycles` as one that rounds does, and slices that nest in cycles still nest.
 */
export function micros(cycles: number): number {
  const x = cycles / 1000;
  return x * 1000 < cycles ? x + x * Number.EPSILON : x;
}

/** An event with `ts` and `dur` in the file's microseconds. */
export function inMicros(e: TraceEvent): TraceEvent {
  if (e.ts === undefined) return e;
  return e.dur === undefined ? { ...e, ts: micros(e.ts) } : { ...e, ts: micros(e.ts), dur: micros(e.dur) };
}
