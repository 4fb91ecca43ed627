/**
 * Exploration figures (issue 6): schedules/s and events/s of random exploration and of exhaustive DFS
 * with 1 and 2 worker threads (and the speed-up), schedules and seconds to the first violation per
 * strategy, and the peak RSS of the process (worker threads share it). Targets: ≥ 10,000 schedules/s on small scenarios with one worker,
 * near-linear speed-up with workers, memory bounded by the search depth (≤ 1 GB).
 */
import { performance } from "node:perf_hooks";
import { explore, type ExploreRequest } from "../explore/explorer.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
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
  /** Rows on 2 workers: schedules/s against the same search on 1 (what "near-linear" is judged on). */
  speedup?: number;
}

export interface ExploreSection {
  rows: ExploreRow[];
  peakRssMB: number;
  /** --quick: budgets too small to judge the speed targets (a worker's start-up dominates). */
  quick: boolean;
}

const STRATEGIES: StrategyName[] = ["random", "pct", "dfs", "dpor"];

/** The schedules/s target on one worker (issue 6), for scenarios as small as the munmap pair. */
export const SMALL_SCENARIO_RATE = 10_000;

type Target = { scenario: Scenario; allocator: AsidAllocator };

async function targetOf(scenario: Scenario): Promise<Target> {
  return { scenario, allocator: await resolveAllocator(scenario.kernel.asidAllocator, process.cwd()) };
}

/** One search timed on 1 and on 2 workers; the 2-worker row carries the speed-up. */
/** Repetitions of each throughput row: the median is reported, as for the machine rows. */
const REPEATS = 3;

/**
 * One search timed on 1 and on 2 workers (the median of REPEATS runs each); the 2-worker row carries
 * the speed-up. One untimed warm-up on this thread first, as the machine rows have, so the 1-worker
 * row measures the steady rate; worker threads start cold (each compiles the code again), which the
 * 2-worker row pays.
 */
async function oneAndTwo(
  t: Target,
  label: string,
  req: Omit<ExploreRequest, "target">,
  repeats: number,
  say: (l: string) => void,
): Promise<ExploreRow[]> {
  const rows: ExploreRow[] = [];
  explore({ ...req, target: t, budget: Math.max(1, Math.floor(req.budget / 10)) });
  for (const workers of [1, 2]) {
    say(`explore ${t.scenario.id}: ${req.strategy}, ${workers} worker(s), ${repeats} time(s) ...`);
    const full = { ...req, target: t };
    const runs: ExploreRow[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      const r =
        workers > 1 ? await exploreInWorkers(full, { scenario: t.scenario, baseDir: process.cwd() }, workers) : explore(full);
      const seconds = (performance.now() - start) / 1000;
      const what = `${label}, ${workers} worker${workers > 1 ? "s" : ""}`;
      runs.push({
        scenario: t.scenario.id,
        what,
        schedules: r.schedules,
        events: r.events,
        seconds,
        cpuSeconds: cpuSecondsSince(cpu),
        found: r.found !== null,
      });
    }
    const row = runs.sort((x, y) => x.seconds - y.seconds)[Math.floor(runs.length / 2)]!;
    if (workers > 1) row.speedup = row.schedules / row.seconds / (rows[0]!.schedules / rows[0]!.seconds);
    rows.push(row);
  }
  return rows;
}

/**
 * `pairs`: each violating scenario with a clean twin of the same size (the fix applied), on which the
 * throughput of a whole budget is measured (a search of the violating one ends at its first find).
 * `dfsCase`: a clean scenario whose bounded DFS space is exhausted on 1 and on 2 workers.
 */
export async function exploreSection(
  pairs: { violating: Scenario; clean: Scenario }[],
  dfsCase: Scenario,
  quick: boolean,
  say: (l: string) => void,
): Promise<ExploreSection> {
  const rows: ExploreRow[] = [];
  // Long enough that a worker thread's start-up (loading the modules, about 0.15 s) is a small part.
  const budget = quick ? 500 : 50_000;
  const repeats = quick ? 1 : REPEATS;
  for (const { violating, clean } of pairs) {
    const twin = await targetOf(clean);
    rows.push(
      ...(await oneAndTwo(
        twin,
        "random (clean twin)",
        { strategy: "random", budget, seed: 1, depth: 3, preemptions: 2 },
        repeats,
        say,
      )),
    );
    const target = await targetOf(violating);
    for (const strategy of STRATEGIES) {
      say(`explore ${violating.id}: ${strategy} to the first violation ...`);
      const start = performance.now();
      const cpu = process.cpuUsage();
      const r = explore({ target, strategy, budget: quick ? 5_000 : 200_000, seed: 1, depth: 3, preemptions: 2 });
      rows.push({
        scenario: violating.id,
        what: `${strategy}: first violation`,
        schedules: r.schedules,
        events: r.events,
        seconds: (performance.now() - start) / 1000,
        cpuSeconds: cpuSecondsSince(cpu),
        found: r.found !== null,
      });
    }
  }
  const dfs = await targetOf(dfsCase);
  rows.push(
    ...(await oneAndTwo(
      dfs,
      "dfs exhaustive, 2 preemptions",
      { strategy: "dfs", budget: quick ? 300 : 1_000_000, seed: 1, depth: 3, preemptions: 2 },
      repeats,
      say,
    )),
  );
  return { rows, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), quick };
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

const rate = (r: ExploreRow): number => r.schedules / r.seconds;
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

export function formatExplore(s: ExploreSection): string {
  // "cpu s": CPU time of the process (threads included); with 2 workers near 2× the seconds when both
  // threads got a core (another process on a 2-core machine takes one away).
  const head = ["scenario", "search", "schedules", "events", "seconds", "cpu s", "schedules/s", "events/s", "speed-up", "found"];
  const cells = s.rows.map((r) => [
    r.scenario,
    r.what,
    String(r.schedules),
    String(r.events),
    r.seconds.toFixed(2),
    r.cpuSeconds.toFixed(2),
    fmt(rate(r)),
    fmt(r.events / r.seconds),
    r.speedup === undefined ? "" : `${r.speedup.toFixed(2)}×`,
    r.what.includes("first") ? (r.found ? "yes" : "NO") : "",
  ]);
  const all = [head, ...cells];
  const w = head.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  const lines = all.map((row) => row.map((c, i) => (i < 2 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  "));
  const single = s.rows.filter((r) => r.what.startsWith("random") && r.what.endsWith(" 1 worker"));
  const verdicts = single.map((r) => {
    const perSchedule = Math.round(r.events / r.schedules);
    const verdict = s.quick ? "(not judged with --quick)" : rate(r) >= SMALL_SCENARIO_RATE ? "PASS" : "MISS";
    return `  ${r.scenario} twin (${perSchedule} events a schedule): ${fmt(rate(r))} schedules/s ${verdict}`;
  });
  const speedups = s.rows
    .filter((r) => r.speedup !== undefined)
    .map((r) => `${r.scenario} ${r.what.split(",")[0]} ${r.speedup!.toFixed(2)}×`);
  return [
    `exploration (worker rows: ${s.quick ? "one run" : `the median of ${REPEATS} runs`} after a warm-up; targets: ≥ 10,000 schedules/s on one worker for small scenarios; near-linear speed-up; ≤ 1 GB)`,
    ...lines,
    `≥ ${fmt(SMALL_SCENARIO_RATE)} schedules/s on one worker:`,
    ...verdicts,
    `speed-up on 2 workers (2.00× is linear; the machine's other load shows in "cpu s"): ${speedups.join("; ")}`,
    `peak RSS of the process after exploring (workers included): ${s.peakRssMB} MB ${s.peakRssMB <= 1024 ? "PASS" : "MISS"}`,
  ].join("\n");
}
