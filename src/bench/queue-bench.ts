/**
 * The queue's figures (issue 18), when redis-server is installed: schedules/s of one search with 1, 2
 * and 4 `smpsim worker` processes (one thread each) on a throwaway local Redis, against the same search
 * on 1, 2 and 4 local worker threads; and the queue's cost per unit: one worker process runs the search
 * once in units of the default size and once as a single unit, and the difference is spread over the
 * units (the same schedules on the same warm process, so only the per-unit work differs: the round
 * trips through Redis, the unit's scenario and result encoded, its coverage merged).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { exploreOnQueue } from "../distributed/coordinator.js";
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
  /** Default-size units against one unit on one worker process: the extra time per unit (ms) and as a share of the search. */
  overheadMsPerUnit: number | null;
  overheadShare: number | null;
}

const BUDGET = 20_000;

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
  const none = { rows: null, scenario: scenario.id, units, overheadMsPerUnit: null, overheadShare: null };
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
  for (const k of [1, 2, 4]) await (time(`local, ${k} thread${k === 1 ? "" : "s"}`, () => exploreInWorkers(req, { scenario, baseDir: process.cwd() }, k)));
  const onQueue = (unitSchedules: number) => () => exploreOnQueue(req, process.cwd(), { url, resume: false, unitSchedules, say: () => undefined });
  const dir = mkdtempSync(join(tmpdir(), "smpsim-bench-redis-"));
  const port = await freePort();
  const redis = spawn(server, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  const workers: ChildProcess[] = [];
  let oneProcess = 0;
  let oneUnit = 0;
  try {
    await new Promise((r) => setTimeout(r, 300));
    for (const k of [1, 2, 4]) {
      while (workers.length < k) {
        const w = spawn(process.execPath, [bin, "worker", "--queue", url, "--threads", "1"], { stdio: ["ignore", "pipe", "ignore"] });
        workers.push(w);
        await printed(w, /smpsim worker/);
      }
      // A warm-up search, so the workers' code is compiled as the local threads' is after their first share.
      await exploreOnQueue({ ...req, budget: BUDGET / 10 }, process.cwd(), { url, resume: false, say: () => undefined });
      const s = await time(`queue, ${k} worker process${k === 1 ? "" : "es"}`, onQueue(DEFAULT_UNIT_SCHEDULES));
      if (k === 1) {
        oneProcess = s;
        oneUnit = await time("queue, 1 process, 1 unit", onQueue(BUDGET));
      }
    }
  } finally {
    for (const w of workers) w.kill("SIGKILL");
    redis.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
  const extra = oneProcess - oneUnit;
  return { rows, scenario: scenario.id, units, overheadMsPerUnit: (extra * 1000) / (units - 1), overheadShare: extra / oneUnit };
}

export function formatQueue(s: QueueSection): string {
  if (!s.rows) return "queue (explore --queue): skipped: redis-server is not installed";
  const lines = [`queue (explore --queue): ${s.scenario}, random, ${BUDGET} schedules in ${s.units} units of ${DEFAULT_UNIT_SCHEDULES}`];
  for (const r of s.rows) lines.push(`  ${r.what.padEnd(26)} ${String(Math.round(r.schedules / r.seconds)).padStart(8)} schedules/s  (${r.seconds.toFixed(2)} s)`);
  lines.push(`  queue cost: ${s.overheadMsPerUnit!.toFixed(1)} ms a unit, ${(s.overheadShare! * 100).toFixed(1)} % of the search (1 process: units of ${DEFAULT_UNIT_SCHEDULES} against one unit; target <= 5 %; on a loaded machine this moves by more than it)`);
  return lines.join("\n");
}
