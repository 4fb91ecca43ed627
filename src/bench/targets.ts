/**
 * The speed targets from issue 2 ("Speed"): fold replay at least a million events a second, and `run`
 * within 4× of the ceiling (the plain loop that makes the same decisions, applies the same events and
 * runs the same invariant checks: ceiling.ts). The ceiling keeps no events, and neither does
 * `smpsim run` (it streams them to the log), so `run` is judged on the row whose events are handed to a
 * sink and dropped; the row that keeps a million events in memory (as tests do) adds the garbage
 * collector's work and is shown for reference. A target names the row it judges; rows without one get
 * no verdict.
 */
import type { Measurement } from "./measure.js";
import { MACHINE_CASES } from "./machine-bench.js";

export type Target =
  | { row: string; kind: "min-rate"; rate: number; text: string }
  | { row: string; kind: "max-ceiling-ratio"; ratio: number; text: string };

export const machineTargets: readonly Target[] = [
  { row: MACHINE_CASES.runDiscard, kind: "max-ceiling-ratio", ratio: 4, text: "within 4× of ceiling" },
  { row: MACHINE_CASES.fold, kind: "min-rate", rate: 1e6, text: "≥ 1 M events/s" },
];

/** How many times slower than the ceiling a row is (ceiling rate / row rate); below 1 it is faster. */
export function ceilingRatio(row: Measurement, ceiling: Measurement): number {
  return ceiling.rate / row.rate;
}

export function meets(t: Target, row: Measurement, ceiling: Measurement): boolean {
  return t.kind === "min-rate" ? row.rate >= t.rate : ceilingRatio(row, ceiling) <= t.ratio;
}
