/**
 * `explore --queue`: this process puts the search's units on a BullMQ queue, collects what the
 * workers publish (polling the units' job states, so a restarted coordinator needs no missed events),
 * and gives back the result one thread gives. Nothing here decides a schedule: the wall clock only
 * paces the polling and the progress lines.
 */
import { createHash, randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { ExploreRequest, ExploreResult } from "../explore/explorer.js";
import { buildId } from "./build.js";
import { connect, QueueError, redisOptions } from "./connection.js";
import { decide, partial, type Plan } from "./merge.js";
import { planUnits, type UnitDraft } from "./plan.js";
import { jobId, KEY_TTL_S, keys, QUEUE_NAME, type QueueUnit, type UnitResult } from "./unit.js";

export interface QueueRun {
  url: string;
  /** Continue the run of the same arguments found on the queue instead of starting over. */
  resume: boolean;
  /** Random/PCT: schedules per unit. */
  unitSchedules?: number;
  /** A line for the user (progress, resumption). */
  say: (line: string) => void;
}

const POLL_MS = 100;
const STATUS_EVERY_MS = 5000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export async function exploreOnQueue(req: ExploreRequest, baseDir: string, run: QueueRun): Promise<ExploreResult> {
  const { plan, units } = planUnits(req, baseDir, run.unitSchedules);
  const connection: { lost: string | null } = { lost: null };
  const redis = await connect(run.url, (why) => void (connection.lost = why));
  const queue = new Queue(QUEUE_NAME, { connection: redisOptions(run.url) });
  queue.on("error", () => undefined); // the connection's own retry policy and `lost` report it
  try {
    const gen = await generation(redis, queue, units, run);
    const queued = units.map((u) => ({ ...u, run: gen }));
    return await collect(req, plan, queued, redis, queue, run, () => connection.lost);
  } catch (e) {
    if (e instanceof QueueError) throw e;
    throw new QueueError(connection.lost ?? `Redis at ${run.url}: ${(e as Error).message}`);
  } finally {
    await Promise.race([queue.close().catch(() => undefined), sleep(1000)]);
    await queue.disconnect().catch(() => undefined);
    redis.disconnect();
  }
}

/** The run's id: the current one of these arguments with --resume, else a new one (the old one's units are withdrawn). */
async function generation(redis: Redis, queue: Queue, units: UnitDraft[], run: QueueRun): Promise<string> {
  const args = createHash("sha256")
    .update(JSON.stringify({ build: buildId(), units, size: run.unitSchedules ?? null }))
    .digest("hex")
    .slice(0, 16);
  const previous = await redis.get(keys.current(args));
  let gen = previous;
  if (gen && run.resume) run.say(`queue: resuming run ${gen} (${units.length} units)`);
  else {
    if (run.resume) run.say("queue: no earlier run of these arguments on the queue; starting one");
    if (previous) {
      await redis.set(keys.cut(previous), "-1", "EX", KEY_TTL_S);
      for (const u of units) await queue.remove(jobId(previous, u.n)).catch(() => 0);
    }
    gen = `${args}-${randomBytes(4).toString("hex")}`;
    await redis.set(keys.current(args), gen, "EX", KEY_TTL_S);
  }
  // Adding a job whose id is there already does nothing: a resumed run keeps what it has.
  await queue.addBulk(
    units.map((u) => ({ name: "unit", data: { ...u, run: gen } satisfies QueueUnit, opts: jobOptions(gen, u.n) })),
  );
  return gen;
}

const jobOptions = (gen: string, n: number) => ({
  jobId: jobId(gen, n),
  // Kept for --resume (and a rerun's instant answer) a while, then dropped by BullMQ.
  removeOnComplete: { age: KEY_TTL_S },
  removeOnFail: { age: KEY_TTL_S },
});

async function collect(
  req: ExploreRequest,
  plan: Plan,
  units: QueueUnit[],
  redis: Redis,
  queue: Queue,
  run: QueueRun,
  lost: () => string | null,
): Promise<ExploreResult> {
  const gen = units[0]!.run;
  const results = new Map<number, UnitResult>();
  const start = process.hrtime.bigint();
  const ms = (): number => Number(process.hrtime.bigint() - start) / 1e6;
  let cut: number | null = null;
  let lastStatus = -STATUS_EVERY_MS;
  let resumedWith = -1;
  let resumedSchedules = 0;
  for (;;) {
    const why = lost();
    if (why) throw new QueueError(why);
    const pending = Array.from({ length: plan.units }, (_, n) => n).filter((n) => !results.has(n));
    // Concurrent commands share the connection's round trips.
    const states = await Promise.all(pending.map((n) => queue.getJobState(jobId(gen, n))));
    for (const [i, state] of states.entries()) {
      const n = pending[i]!;
      if (state === "completed") {
        const job = await queue.getJob(jobId(gen, n));
        if (job?.returnvalue) results.set(n, job.returnvalue as UnitResult);
      } else if (state === "unknown") {
        // Gone from Redis (a Redis restarted without its data): queue it again.
        await queue.add("unit", units[n]!, jobOptions(gen, n));
      } else if (state === "failed") {
        const job = await queue.getJob(jobId(gen, n));
        throw new QueueError(`unit ${n} failed on a worker: ${job?.failedReason ?? "no reason given"}`);
      }
    }
    if (resumedWith < 0) {
      resumedWith = results.size;
      for (const r of results.values()) resumedSchedules += r.schedules;
      if (resumedWith > 0) run.say(`queue: ${resumedWith} of ${plan.units} units were done already`);
    }
    const d = decide(plan, results);
    if (d.cut !== null && d.cut !== cut) await redis.set(keys.cut(gen), String((cut = d.cut)), "EX", KEY_TTL_S);
    if (d.result) {
      await withdraw(queue, gen, plan, results);
      return d.result;
    }
    // Progress: finished units' counts and the running ones' latest.
    const running = await redis.hgetall(keys.progress(gen));
    let ran = 0;
    for (let n = 0; n < plan.units; n++) ran += results.get(n)?.schedules ?? Number(running[String(n)] ?? 0);
    req.onProgress?.({ schedules: ran, events: 0, found: [...results.values()].some((r) => r.found) ? 1 : 0 });
    if (ms() - lastStatus >= STATUS_EVERY_MS) {
      const workers = await queue.getWorkersCount().catch(() => 0); // CLIENT LIST may be disabled
      lastStatus = ms();
      // The rate counts this coordinator's time only (units done before a restart are not in it).
      const rate = Math.round(((ran - resumedSchedules) * 1000) / Math.max(1, ms()));
      run.say(
        `queue: ${workers} worker${workers === 1 ? "" : "s"} connected, units ${results.size}/${plan.units} done, ${ran} schedules, ${rate}/s`,
      );
    }
    if (req.proceed && !req.proceed(ran)) {
      // Stopped by the user: the units stay on the queue (workers go on) for `--resume`.
      run.say(`queue: stopped; the run's units stay on the queue: the same command with --resume continues it`);
      return partial(plan, results);
    }
    await sleep(POLL_MS);
  }
}

/** The decided run's units still waiting leave the queue; the running ones see the cut and stop. */
async function withdraw(queue: Queue, gen: string, plan: Plan, results: ReadonlyMap<number, UnitResult>): Promise<void> {
  for (let n = 0; n < plan.units; n++) if (!results.has(n)) await queue.remove(jobId(gen, n)).catch(() => 0);
}
