/**
 * Exploration figures (issue 6): schedules/s and events/s of random exploration with 1 and 2 worker
 * threads, schedules and seconds to the first violation per strategy, and the peak RSS of the process
 * (worker threads share it). Targets: ≥ 10,000 schedules/s on small scenarios with one worker,
 * near-linear speed-up with workers, memory bounded by the search depth (≤ 1 GB).
 */
import { performance } from "node:perf_hooks";
import { explore } from "../explore/explorer.js";
import type { StrategyName } from "../explore/strategy.js";
import { exploreInWorkers } from "../explore/workers.js";
import { resolveAllocator } from "../kernel/asid/registry.js";
import type { Scenario } from "../scenario/types.js";

export interface ExploreRow {
  scenario: string;
  what: string;
  schedules: number;
  events: number;
  seconds: number;
  /** CPU seconds of the process over the same time, worker threads included: cpu / seconds is the parallelism achieved. */
  cpuSeconds: number;
  found: boolean;
}

export interface ExploreSection {
  rows: ExploreRow[];
  peakRssMB: number;
}

const STRATEGIES: StrategyName[] = ["random", "pct", "dfs", "dpor"];

/**
 * `pairs`: each violating scenario with a clean twin of the same size (the fix applied), on which the
 * throughput of a whole budget is measured (a search of the violating one ends at its first find).
 */
export async function exploreSection(
  pairs: { violating: Scenario; clean: Scenario }[],
  quick: boolean,
  say: (l: string) => void,
): Promise<ExploreSection> {
  const rows: ExploreRow[] = [];
  const budget = quick ? 500 : 20_000;
  for (const { violating, clean } of pairs) {
    const cleanTarget = { scenario: clean, allocator: await resolveAllocator(clean.kernel.asidAllocator, process.cwd()) };
    for (const workers of [1, 2]) {
      say(`explore ${clean.id}: random, ${workers} worker(s) ...`);
      const req = { target: cleanTarget, strategy: "random" as const, budget, seed: 1, depth: 3, preemptions: 2 };
      const start = performance.now();
      const cpu = process.cpuUsage();
      const r = workers > 1 ? await exploreInWorkers(req, { scenario: clean, baseDir: process.cwd() }, workers) : explore(req);
      const what = `random, ${workers} worker${workers > 1 ? "s" : ""} (clean twin)`;
      rows.push({ scenario: violating.id, what, schedules: r.schedules, events: r.events, seconds: (performance.now() - start) / 1000, cpuSeconds: cpuSecondsSince(cpu), found: r.found !== null });
    }
    const scenario = violating;
    const target = { scenario, allocator: await resolveAllocator(scenario.kernel.asidAllocator, process.cwd()) };
    for (const strategy of STRATEGIES) {
      say(`explore ${scenario.id}: ${strategy} to the first violation ...`);
      const start = performance.now();
      const cpu = process.cpuUsage();
      const r = explore({ target, strategy, budget: quick ? 5_000 : 200_000, seed: 1, depth: 3, preemptions: 2 });
      rows.push({ scenario: scenario.id, what: `${strategy}: first violation`, schedules: r.schedules, events: r.events, seconds: (performance.now() - start) / 1000, cpuSeconds: cpuSecondsSince(cpu), found: r.found !== null });
    }
  }
  return { rows, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

export function formatExplore(s: ExploreSection): string {
  // "cpu s": CPU time of the process (threads included); with 2 workers near 2× the seconds when both
  // threads got a core (another process on a 2-core machine takes one away).
  const head = ["scenario", "search", "schedules", "events", "seconds", "cpu s", "schedules/s", "events/s", "found"];
  const cells = s.rows.map((r) => [
    r.scenario, r.what, String(r.schedules), String(r.events), r.seconds.toFixed(2), r.cpuSeconds.toFixed(2),
    Math.round(r.schedules / r.seconds).toLocaleString("en-US"), Math.round(r.events / r.seconds).toLocaleString("en-US"),
    r.what.includes("first") ? (r.found ? "yes" : "NO") : "",
  ]);
  const all = [head, ...cells];
  const w = head.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  const lines = all.map((row) => row.map((c, i) => (i < 2 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  "));
  return [
    "exploration (targets: ≥ 10,000 schedules/s on one worker for small scenarios; near-linear speed-up; ≤ 1 GB)",
    ...lines,
    `peak RSS of the process after exploring (workers included): ${s.peakRssMB} MB ${s.peakRssMB <= 1024 ? "PASS" : "MISS"}`,
  ].join("\n");
}
