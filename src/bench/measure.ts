/**
 * How a benchmark case is timed. A case is a named function that does its work once and reports how
 * many units (events, seeks, schedules, ...) it handled and the seconds the measured part took, so a
 * case can leave its own setup out of the timing. `measure` runs it once to warm up, then takes the
 * median of the timed repetitions. Wall-clock time is allowed here: src/bench is never imported by the
 * engine, so the determinism rule does not reach it.
 */
import { performance } from "node:perf_hooks";

/** One timed run of a case. */
export interface Sample {
  name: string;
  events: number;
  seconds: number;
}

export interface BenchCase {
  name: string;
  /** What `events` counts, for the table ("events" unless told; e.g. "seeks" for a seek-latency case). */
  unit?: string;
  run(): Sample | Promise<Sample>;
}

export interface MeasureOptions {
  warmups: number;
  repetitions: number;
}

/** The median of the timed repetitions, with every repetition's seconds kept for the JSON report. */
export interface Measurement extends Sample {
  unit: string;
  /** Units per second at the median. */
  rate: number;
  /** Seconds of each timed repetition, in the order they ran. */
  runs: number[];
}

/** Runs `fn` and returns its result with the seconds it took. */
export function timed<T>(fn: () => T): { value: T; seconds: number } {
  const start = performance.now();
  const value = fn();
  return { value, seconds: (performance.now() - start) / 1000 };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("median of no values");
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function measure(c: BenchCase, opts: MeasureOptions): Promise<Measurement> {
  for (let i = 0; i < opts.warmups; i++) await c.run();
  const samples: Sample[] = [];
  for (let i = 0; i < Math.max(1, opts.repetitions); i++) samples.push(await c.run());
  const runs = samples.map((s) => s.seconds);
  const seconds = median(runs);
  const events = samples[0]!.events;
  if (samples.some((s) => s.events !== events)) {
    throw new Error(`bench case "${c.name}": repetitions handled different numbers of ${c.unit ?? "events"}`);
  }
  return { name: c.name, unit: c.unit ?? "events", events, seconds, rate: events / seconds, runs };
}
