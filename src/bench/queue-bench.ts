/**
 * The queue's figures (issue 18), when redis-server is installed: schedules/s of one search with 1, 2
 * and 4 `smpsim worker` processes (one thread each) on a throwaway local Redis, against the same search
 * on 1, 2 and 4 local worker threads; and the queue's cost per unit, measured on many small units so
 * that it dominates: the same units run (a) on this process by the unit runner a worker's thread uses
 * (`runQueueUnit`, one after another) and (b) through the queue by one worker process with one thread,
 * alternated REPEATS times after a warm-up of each; the cost per unit is (b − a) / units for each
 * repeat, given as the median with the lowest and highest. (An earlier figure set units of 500 against
 * one unit of the whole search: the long unit's own slow-down swamped the difference, −87 ms a unit.)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { exploreOnQueue } from "../distributed/coordinator.js";
import { planUnits } from "../distributed/plan.js";
import { runQueueUnit } from "../distributed/run-unit.js";
import { DEFAULT_UNIT_SCHEDULES } from "../distributed/unit.js";
import { explore, type ExploreRequest } from "../explore/explorer.js";
import { exploreInWorkers } from "../explore/workers.js";
import { resolveAllocator } from "../kernel/asid/registry.js";
import type { Scenario } from "../scenario/types.js";

export interface QueueRow {
  what: string;
  schedules: number;
  seconds: number;
}

export interface QueueSection {
  /** Null when redis-server is not installed (the section is skipped). */
  rows: QueueRow[] | null;
  scenario: string;
  units: number;
  /** The queue's cost per unit (ms): median, lowest and highest of the repeats; null without Redis. */
  overhead: {
    median: number;
    low: number;
    high: number;
    perRepeat: number[];
    units: number;
    unitSchedules: number;
    unitMs: number;
  } | null;
  /** The median cost as a share of a default-size unit's run time. */
  overheadShare: number | null;
}

const BUDGET = 20_000;
/** The overhead measurement: SMALL_UNITS units of SMALL_UNIT schedules, both ways, REPEATS times. */
const SMALL_UNIT = 10;
const SMALL_UNITS = 100;
const REPEATS = 5;
/** runQueueUnit's cut value for "no cut" (worker-process.ts). */
const NO_CUT = 0x7fffffff;

function redisServer(): string | null {
  for (const p of ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]) if (existsSync(p)) return p;
  return spawnSync("redis-server", ["--version"]).status === 0 ? "redis-server" : null;
}

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** Resolves when the process prints a line matching `re`. */
const printed = (p: ChildProcess, re: RegExp): Promise<void> =>
  new Promise((resolve, reject) => {
    let text = "";
    p.stdout!.on("data", (d: Buffer) => {
      text += d.toString();
      if (re.test(text)) resolve();
    });
    p.on("exit", (code) => reject(new Error(`bench: a queue process exited (${code}) early`)));
  });

export async function queueSection(scenario: Scenario, say: (l: string) => void): Promise<QueueSection> {
  const server = redisServer();
  const bin = fileURLToPath(new URL("../../../bin/smpsim.js", import.meta.url));
  const units = Math.ceil(BUDGET / DEFAULT_UNIT_SCHEDULES);
  const none = { rows: null, scenario: scenario.id, units, overhead: null, overheadShare: null };
  if (!server || !import.meta.url.endsWith(".js") || !existsSync(bin)) return none;
  const target = { scenario, allocator: await resolveAllocator(scenario.kernel.asidAllocator, process.cwd()) };
  const req: ExploreRequest = { target, strategy: "random", budget: BUDGET, seed: 1, depth: 3, preemptions: 2 };
  const rows: QueueRow[] = [];
  const time = async (what: string, run: () => Promise<{ schedules: number }>): Promise<number> => {
    say(`queue: ${what} ...`);
    const start = performance.now();
    const r = await run();
    const seconds = (performance.now() - start) / 1000;
    rows.push({ what, schedules: r.schedules, seconds });
    return seconds;
  };
  explore({ ...req, budget: BUDGET / 10 }); // warm-up, as the explore section does
  for (const k of [1, 2, 4])
    await time(`local, ${k} thread${k === 1 ? "" : "s"}`, () => exploreInWorkers(req, { scenario, baseDir: process.cwd() }, k));
  const onQueue = (unitSchedules: number) => () =>
    exploreOnQueue(req, process.cwd(), { url, resume: false, unitSchedules, say: () => undefined });
  const dir = mkdtempSync(join(tmpdir(), "smpsim-bench-redis-"));
  const port = await freePort();
  const redis = spawn(server, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: "ignore",
  });
  const url = `redis://127.0.0.1:${port}`;
  const workers: ChildProcess[] = [];
  const costs: number[] = [];
  const small: ExploreRequest = { ...req, budget: SMALL_UNIT * SMALL_UNITS };
  let unitMs = 0;
  try {
    await new Promise((r) => setTimeout(r, 300));
    for (const k of [1, 2, 4]) {
      while (workers.length < k) {
        const w = spawn(process.execPath, [bin, "worker", "--queue", url, "--threads", "1"], {
          stdio: ["ignore", "pipe", "ignore"],
        });
        workers.push(w);
        await printed(w, /smpsim worker/);
      }
      // A warm-up search, so the workers' code is compiled as the local threads' is after their first share.
      await exploreOnQueue({ ...req, budget: BUDGET / 10 }, process.cwd(), { url, resume: false, say: () => undefined });
      await time(`queue, ${k} worker process${k === 1 ? "" : "es"}`, onQueue(DEFAULT_UNIT_SCHEDULES));
      if (k === 1) {
        say(`queue: cost per unit (${SMALL_UNITS} units of ${SMALL_UNIT}, in process against the queue, ${REPEATS} times) ...`);
        unitMs = (await inProcess({ ...req, budget: DEFAULT_UNIT_SCHEDULES }, DEFAULT_UNIT_SCHEDULES)) * 1000;
        await inProcess(small, SMALL_UNIT);
        await exploreOnQueue(small, process.cwd(), { url, resume: false, unitSchedules: SMALL_UNIT, say: () => undefined });
        for (let i = 0; i < REPEATS; i++) {
          const a = await inProcess(small, SMALL_UNIT);
          const start = performance.now();
          await exploreOnQueue(small, process.cwd(), { url, resume: false, unitSchedules: SMALL_UNIT, say: () => undefined });
          const b = (performance.now() - start) / 1000;
          costs.push(((b - a) * 1000) / SMALL_UNITS);
        }
      }
    }
  } finally {
    for (const w of workers) w.kill("SIGKILL");
    redis.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...costs].sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const overhead = {
    median,
    low: sorted[0]!,
    high: sorted.at(-1)!,
    perRepeat: costs,
    units: SMALL_UNITS,
    unitSchedules: SMALL_UNIT,
    unitMs,
  };
  return { rows, scenario: scenario.id, units, overhead, overheadShare: median / unitMs };
}

/** Seconds to run the search's units one after another on this thread, as a worker's thread runs each. */
async function inProcess(req: ExploreRequest, unitSchedules: number): Promise<number> {
  const { units } = planUnits(req, process.cwd(), unitSchedules);
  const cut = new Int32Array(new SharedArrayBuffer(4));
  Atomics.store(cut, 0, NO_CUT);
  const start = performance.now();
  for (const u of units) await runQueueUnit({ ...u, run: "bench" }, process.cwd(), cut, () => undefined);
  return (performance.now() - start) / 1000;
}

export function formatQueue(s: QueueSection): string {
  if (!s.rows) return "queue (explore --queue): skipped: redis-server is not installed";
  const lines = [
    `queue (explore --queue): ${s.scenario}, random, ${BUDGET} schedules in ${s.units} units of ${DEFAULT_UNIT_SCHEDULES}`,
  ];
  for (const r of s.rows)
    lines.push(
      `  ${r.what.padEnd(26)} ${String(Math.round(r.schedules / r.seconds)).padStart(8)} schedules/s  (${r.seconds.toFixed(2)} s)`,
    );
  const o = s.overhead!;
  const ms = (x: number): string => x.toFixed(1);
  lines.push(
    `  queue cost: ${ms(o.median)} ms a unit (median of ${o.perRepeat.length}; ${ms(o.low)} to ${ms(o.high)}), ${(s.overheadShare! * 100).toFixed(1)} % of a unit of ${DEFAULT_UNIT_SCHEDULES} (${o.unitMs.toFixed(0)} ms); target <= 5 %`,
  );
  lines.push(
    `    (${o.units} units of ${o.unitSchedules} schedules run in this process by the unit runner, then through the queue by 1 worker process, alternated; cost = difference / units)`,
  );
  return lines.join("\n");
}
