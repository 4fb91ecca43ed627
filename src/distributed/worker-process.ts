/**
 * `smpsim worker --queue URL`: takes units from the queue and runs them on K threads, publishing per
 * unit its result (schedules run, coverage, the first violation with its picks) as the job's return
 * value. The main thread only talks to Redis: it keeps the jobs' locks alive (BullMQ renews them), so
 * a unit is retried elsewhere only when this process is gone (stalled-job handling); it polls the
 * run's cut so that a unit made moot stops early, and publishes progress.
 */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { Worker as Thread } from "node:worker_threads";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { buildId, sha256File } from "./build.js";
import { connect, QueueError, redisOptions } from "./connection.js";
import type { ThreadTask } from "./unit-thread.js";
import { KEY_TTL_S, keys, QUEUE_NAME, type QueueUnit, type UnitResult } from "./unit.js";

export interface WorkerOptions {
  url: string;
  threads: number;
  /** A line for the log: each unit as it starts and ends. */
  say: (line: string) => void;
  /** Resolves when the worker is to stop (a signal). */
  stop: Promise<void>;
}

/** A unit's lock lasts this long without renewal: a killed worker's unit is taken up again after about this (ms). */
export const LOCK_MS = 6000;
const POLL_MS = 250;
/** Cut value for "no cut yet". */
const NO_CUT = 0x7fffffff;

/** Runs until `stop` resolves (then 0) or Redis is lost (a QueueError). */
export async function runWorker(o: WorkerOptions): Promise<void> {
  const lockMs = lockDuration();
  const build = buildId();
  let lostWith: (e: Error) => void = () => undefined;
  const lost = new Promise<never>((_, reject) => (lostWith = reject));
  lost.catch(() => undefined);
  const redis = await connect(o.url, (why) => lostWith(new QueueError(why)));
  const idle = Array.from({ length: o.threads }, () => new Thread(new URL("./unit-thread.js", import.meta.url)));
  const all = [...idle];
  const worker = new Worker<QueueUnit, UnitResult>(QUEUE_NAME, (job) => runJob(job, build, redis, idle, o), {
    connection: redisOptions(o.url),
    concurrency: o.threads,
    lockDuration: lockMs,
    // BullMQ renews a held lock every lockDuration/2; a lapsed one is found within this check's period.
    stalledInterval: Math.max(1, Math.floor(lockMs / 2)),
    // A unit whose worker died is retried (stalled), not failed, unless it kills workers again and again.
    maxStalledCount: 5,
    name: `smpsim-worker@${hostname()}:${process.pid}`,
  });
  worker.on("error", () => undefined); // a lost connection is reported once, by `lost`
  // Said once the result is stored on Redis (a coordinator started after this line finds it there).
  worker.on("completed", (job, r) => o.say(`unit ${job.data.run}-${job.data.n}: ${r.state}, ${r.schedules} schedules`));
  worker.on("failed", (job, e) => o.say(`unit ${job?.data.run ?? "?"}-${job?.data.n ?? "?"}: failed: ${e.message}`));
  o.say(`smpsim worker ${build}: ${o.threads} thread${o.threads === 1 ? "" : "s"}, queue ${o.url}`);
  try {
    await Promise.race([o.stop, lost]);
  } finally {
    await Promise.race([worker.close(true).catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    await Promise.all(all.map((t) => t.terminate()));
    redis.disconnect();
  }
}

/**
 * The lock duration: LOCK_MS, or SMPSIM_QUEUE_LOCK_MS (whole ms, 200 or more) so that the fault tests
 * need not wait out 6 s per killed worker. Shorter locks need a main thread that is never blocked that
 * long (it only talks to Redis; the units run on threads), and cost Redis a renewal every half of it.
 */
export function lockDuration(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SMPSIM_QUEUE_LOCK_MS;
  if (raw === undefined || raw === "") return LOCK_MS;
  if (!/^\d+$/.test(raw) || Number(raw) < 200)
    throw new QueueError(`SMPSIM_QUEUE_LOCK_MS: wants whole milliseconds, 200 or more, got "${raw}"`);
  return Number(raw);
}

async function runJob(
  job: Job<QueueUnit, UnitResult>,
  build: string,
  redis: Redis,
  idle: Thread[],
  o: WorkerOptions,
): Promise<UnitResult> {
  const unit = job.data;
  const name = `unit ${unit.run}-${unit.n}`;
  if (unit.build !== build) {
    throw new UnrecoverableError(`built by smpsim ${unit.build}, the worker is ${build}: run the same build on both sides`);
  }
  const baseDir = process.cwd();
  for (const m of unit.modules) {
    const file = resolve(baseDir, m.path);
    if (!existsSync(file))
      throw new UnrecoverableError(`the worker has no module ${file} (the scenario's ${m.field} names ${m.path})`);
    if (sha256File(file) !== m.sha256)
      throw new UnrecoverableError(`${file} (${m.field}) differs from the coordinator's (SHA-256 ${m.sha256.slice(0, 12)}...)`);
  }
  o.say(`${name}: started`);
  // Test hook: hold the unit for ever (the lock is kept alive), so a test can kill this worker mid-unit.
  if (process.env.SMPSIM_WORKER_HOLD === "1") await new Promise(() => undefined);
  const cut = new SharedArrayBuffer(4);
  const cutView = new Int32Array(cut);
  const readCut = async (): Promise<void> => {
    const v = await redis.get(keys.cut(unit.run));
    Atomics.store(cutView, 0, v === null ? NO_CUT : Number(v));
  };
  await readCut();
  const thread = idle.pop()!;
  let schedules = 0;
  let published = 0;
  const poll = setInterval(() => {
    void readCut().catch(() => undefined);
    if (schedules !== published) {
      published = schedules;
      void redis
        .hset(keys.progress(unit.run), String(unit.n), String(schedules))
        .then(() => redis.expire(keys.progress(unit.run), KEY_TTL_S))
        .catch(() => undefined);
    }
  }, POLL_MS);
  try {
    return await new Promise<UnitResult>((res, rej) => {
      const on = (m: { progress?: number; result?: UnitResult; error?: string }): void => {
        if (m.progress !== undefined) schedules = m.progress;
        if (m.result || m.error !== undefined) {
          thread.off("message", on);
          if (m.result) res(m.result);
          else rej(new UnrecoverableError(m.error));
        }
      };
      thread.on("message", on);
      thread.postMessage({ unit, baseDir, cut } satisfies ThreadTask);
    });
  } finally {
    clearInterval(poll);
    idle.push(thread);
  }
}
