/**
 * The cost model side by side: two runs' counters summed over the cores, and the relative change of
 * each from the first run (the baseline) to the second. This is how the seed's question — what does
 * avoiding a TLB flush on every world switch buy? — gets a number.
 */
import type { MachineState } from "../state/machine-state.js";

export type Metric =
  | "accesses"
  | "hits"
  | "misses"
  | "walks"
  | "walkSteps"
  | "flushes"
  | "fullFlushes"
  | "entriesFlushed"
  | "worldSwitches"
  | "ipiSent"
  | "cycles";

/** The rows `compare` prints, in order, with their labels. */
export const METRICS: readonly [Metric, string][] = [
  ["accesses", "memory accesses"],
  ["hits", "TLB hits"],
  ["misses", "TLB misses"],
  ["walks", "table walks"],
  ["walkSteps", "walk steps"],
  ["flushes", "TLB maintenance ops"],
  ["fullFlushes", "whole-TLB flushes"],
  ["entriesFlushed", "entries invalidated"],
  ["worldSwitches", "world switches"],
  ["ipiSent", "IPIs"],
  ["cycles", "modelled cycles"],
];

export type Totals = Record<Metric, number> & { walkCycles: number };

export function totals(s: MachineState): Totals {
  const t = Object.fromEntries(METRICS.map(([m]) => [m, 0])) as Record<Metric, number>;
  for (const c of s.cores) for (const [m] of METRICS) t[m] += c.counters[m];
  return { ...t, walkCycles: t.walkSteps * s.costs.walkStepCycles };
}

export interface Row {
  metric: Metric;
  label: string;
  a: number;
  b: number;
  /** (b - a) / a, or null when a is 0. */
  change: number | null;
}

export function compareTotals(a: Totals, b: Totals): Row[] {
  return METRICS.map(([metric, label]) => ({
    metric,
    label,
    a: a[metric],
    b: b[metric],
    change: a[metric] === 0 ? null : (b[metric] - a[metric]) / a[metric],
  }));
}

/**
 * The headline: how much less (or more) modelled time the second configuration takes for the same
 * work, as "x% fewer cycles" and as a speed-up, which is how the seed's 33% reads.
 */
export function gain(a: Totals, b: Totals): { cycleReduction: number; speedup: number } {
  return {
    cycleReduction: a.cycles === 0 ? 0 : (a.cycles - b.cycles) / a.cycles,
    speedup: b.cycles === 0 ? 0 : a.cycles / b.cycles,
  };
}
