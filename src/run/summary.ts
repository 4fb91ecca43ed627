/** What a run or a replay reports: per-core figures, the verdict, and their text rendering. */
import type { Counters } from "../../cores/counters.js";
import type { RunOutcome } from "../engine/engine.js";
import type { MachineState } from "../state/machine-state.js";

export interface CoreReport extends Counters {
  core: number;
  /** hits / accesses, 0 when there were none. */
  hitRate: number;
}

export function coreReports(s: MachineState): CoreReport[] {
  return s.cores.map((c) => ({
    core: c.id,
    ...c.counters,
    hitRate: c.counters.accesses ? Math.round((c.counters.hits / c.counters.accesses) * 10000) / 10000 : 0,
  }));
}

export type Verdict = "clean" | "violation" | "deadlock";

export function verdictOf(o: RunOutcome): Verdict {
  if (!o.violation) return "clean";
  return o.violation.invariant === "liveness" ? "deadlock" : "violation";
}

const COLUMNS: [string, (r: CoreReport) => string][] = [
  ["core", (r) => String(r.core)],
  ["switches", (r) => String(r.switches)],
  ["accesses", (r) => String(r.accesses)],
  ["hits", (r) => String(r.hits)],
  ["misses", (r) => String(r.misses)],
  ["faults", (r) => String(r.faults)],
  ["hit%", (r) => (r.hitRate * 100).toFixed(1)],
  ["walks", (r) => String(r.walks)],
  ["walk-steps", (r) => String(r.walkSteps)],
  ["spec", (r) => String(r.specWalks)],
  ["TLBIs", (r) => String(r.flushes)],
  ["full", (r) => String(r.fullFlushes)],
  ["IPIs-sent", (r) => String(r.ipiSent)],
  ["IPIs-recv", (r) => String(r.ipiReceived)],
  ["roll-overs", (r) => `${r.rollovers}/${r.rolloversSeen}`],
  ["cycles", (r) => String(r.cycles)],
];

/** Shown only on a machine with a hypervisor. */
const HYP_COLUMNS: [string, (r: CoreReport) => string][] = [
  ["world-sw", (r) => String(r.worldSwitches)],
  ["VMID-r/o", (r) => String(r.vmidRollovers)],
];

export function coreTable(rows: readonly CoreReport[], hyp = false): string {
  const cols = hyp ? [...COLUMNS.slice(0, -1), ...HYP_COLUMNS, COLUMNS.at(-1)!] : COLUMNS;
  const cells = [cols.map(([h]) => h), ...rows.map((r) => cols.map(([, f]) => f(r)))];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((c, i) => c.padStart(widths[i]!)).join("  ")).join("\n");
}
