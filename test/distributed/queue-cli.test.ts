/**
 * `explore --queue` with `smpsim worker` processes on a throwaway local Redis: the result is the one a
 * local one-thread run gives, even when a worker is killed mid-unit (its unit is retried by another)
 * and the coordinator is killed and restarted with --resume; Redis going away ends both sides with
 * exit 2. No sleeps decide anything: each step waits for a line the processes print.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ROOT } from "../kernel/kernel-helpers.js";
import { ensureBuilt } from "../explore/explore-helpers.js";
import { Cli, freePort, redisServer, startRedis, type TestRedis } from "./redis-helpers.js";

const server = redisServer();
if (!server) console.warn("test/distributed/queue-cli.test.ts: skipped: redis-server is not installed (.ci/run installs it)");

const local = (dir: string, ...args: string[]): Record<string, unknown> => {
  const r = spawnSync(process.execPath, [BIN, "explore", ...args, "--seed", "1", "--json", "--out", join(dir, "local")], {
    encoding: "utf8",
  });
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

/** The fields a local run and a queue run must share (the output paths differ). */
const outcome = (j: Record<string, unknown>) => {
  const { counterexample: _c, scheduleFile: _s, ...rest } = j;
  return rest;
};

describe.skipIf(!server)("explore --queue with worker processes over Redis", () => {
  let redis: TestRedis;
  let dir = "";
  const procs: Cli[] = [];
  // Workers' unit locks last 1.5 s instead of 6 s, so a killed worker's unit is taken up again within
  // about 2 s (the lapse and its retry are what the first test proves, not their duration).
  const cli = (args: string[], env: Record<string, string> = {}, cwd?: string): Cli => {
    const c = new Cli(args, { SMPSIM_QUEUE_LOCK_MS: "1500", ...env }, cwd);
    procs.push(c);
    return c;
  };
  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), "smpsim-queue-"));
    redis = await startRedis(server!);
  }, 120_000);
  afterAll(() => {
    for (const p of procs) p.kill();
    redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a worker killed mid-unit and a coordinator killed and resumed lose nothing: the one-thread result", async () => {
    const args = [
      "explore",
      "tlb-shootdown-munmap",
      "--strategy",
      "random",
      "--budget",
      "2000",
      "--seed",
      "1",
      "--json",
      "--unit",
      "100",
    ];
    const one = local(dir, ...args.slice(1, 6));
    // The first worker takes unit 0 and holds it (test hook) until it is killed.
    const holder = cli(["worker", "--queue", redis.url, "--threads", "1"], { SMPSIM_WORKER_HOLD: "1" });
    await holder.waitFor(/smpsim worker/);
    const first = cli([...args, "--queue", redis.url, "--out", join(dir, "q1")]);
    await holder.waitFor(/-0: started/);
    const a = cli(["worker", "--queue", redis.url, "--threads", "1"]);
    const b = cli(["worker", "--queue", redis.url, "--threads", "1"]);
    await a.waitFor(/: done/);
    first.kill("SIGKILL");
    holder.kill("SIGKILL");
    const again = cli([...args, "--queue", redis.url, "--out", join(dir, "q1"), "--resume"]);
    expect(await again.exited).toBe(0);
    expect(again.err).toMatch(/queue: resuming run/);
    expect(again.err).toMatch(/units were done already/);
    // The held unit was taken up by a live worker once the killed one's lock ran out.
    expect(a.out + b.out).toMatch(/-0: done/);
    expect(outcome(JSON.parse(again.out) as Record<string, unknown>)).toEqual(outcome(one));
  }, 90_000);

  it("a violation found on the queue shrinks to one thread's counterexample", async () => {
    const args = ["tlb-shootdown-munmap-local-only", "--strategy", "dfs", "--budget", "100000"];
    const one = local(dir, ...args);
    for (let i = 0; i < 2; i++) cli(["worker", "--queue", redis.url, "--threads", "1"]);
    const c = cli(["explore", ...args, "--seed", "1", "--json", "--queue", redis.url, "--out", join(dir, "q2")]);
    expect(await c.exited).toBe(1);
    expect(outcome(JSON.parse(c.out) as Record<string, unknown>)).toEqual(outcome(one));
    expect(readFileSync(join(dir, "q2", "schedule.txt"), "utf8")).toBe(readFileSync(join(dir, "local", "schedule.txt"), "utf8"));
  }, 90_000);

  it("a worker refuses a unit made by another build of the tool", async () => {
    const w = cli(["worker", "--queue", redis.url, "--threads", "1"]);
    await w.waitFor(/smpsim worker/);
    const port = Number(new URL(redis.url).port);
    const q = new Queue("smpsim-explore", { connection: { host: "127.0.0.1", port, maxRetriesPerRequest: null } });
    try {
      await q.add("unit", { build: "0.0.0+other", run: "foreign", n: 0 }, { jobId: "foreign-0" });
      let state = "";
      while (state !== "failed") {
        state = await q.getJobState("foreign-0");
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await q.getJob("foreign-0"))?.failedReason).toMatch(/built by smpsim 0\.0\.0\+other, the worker is /);
    } finally {
      await q.close();
    }
  }, 30_000);

  it("a user allocator module crosses as a name and a hash: a worker with another file refuses it", async () => {
    for (const p of procs) p.kill(); // the earlier tests' workers run elsewhere: they lack the module
    const coordinatorDir = join(dir, "c");
    const workerDir = join(dir, "w");
    for (const d of [coordinatorDir, workerDir]) cpSync(join(ROOT, "test/fixtures"), d, { recursive: true });
    appendFileSync(join(workerDir, "round-robin-allocator.mjs"), "// another copy\n");
    const args = ["explore", "user-allocator-scenario.json", "--budget", "200", "--json", "--queue", redis.url, "--out", "o"];
    const stale = cli(["worker", "--queue", redis.url, "--threads", "1"], {}, workerDir);
    await stale.waitFor(/smpsim worker/);
    const refused = cli(args, {}, coordinatorDir);
    expect(await refused.exited).toBe(2);
    expect(refused.err).toMatch(/round-robin-allocator\.mjs \(kernel\.asidAllocator\) differs from the coordinator's \(SHA-256/);
    stale.kill();
    cpSync(join(coordinatorDir, "round-robin-allocator.mjs"), join(workerDir, "round-robin-allocator.mjs"));
    cli(["worker", "--queue", redis.url, "--threads", "1"], {}, workerDir);
    const ok = cli(args, {}, coordinatorDir);
    expect(await ok.exited).toBe(0);
    const one = spawnSync(process.execPath, [BIN, ...args.slice(0, 4), "--seed", "1", "--json"], {
      encoding: "utf8",
      cwd: coordinatorDir,
    });
    expect(JSON.parse(ok.out)).toEqual(JSON.parse(one.stdout));
  }, 60_000);
});

describe.skipIf(!server)("Redis unreachable or gone", () => {
  it("explore --queue with nothing listening exits 2 naming the URL", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const c = new Cli(["explore", "tlb-shootdown-munmap", "--queue", url, "--json", "--out", join(tmpdir(), "smpsim-unused")]);
    expect(await c.exited).toBe(2);
    expect(c.err.trim()).toBe(c.err.trim().split("\n")[0]);
    expect(c.err).toContain(`cannot reach Redis at ${url}`);
  }, 30_000);

  it("Redis going away mid-search ends the worker and the coordinator with exit 2 and a clear message", async () => {
    const r = await startRedis(server!);
    const w = new Cli(["worker", "--queue", r.url, "--threads", "1"]);
    const dir = mkdtempSync(join(tmpdir(), "smpsim-queue-gone-"));
    try {
      await w.waitFor(/smpsim worker/);
      const c = new Cli(["explore", "tlb-shootdown-munmap", "--budget", "1000000", "--queue", r.url, "--json", "--out", dir]);
      await w.waitFor(/: started/);
      r.stop();
      expect(await c.exited).toBe(2);
      expect(await w.exited).toBe(2);
      expect(c.err).toMatch(/smpsim: .*Redis at redis:\/\/127\.0\.0\.1/);
      expect(w.err).toMatch(/smpsim: lost the connection to Redis at redis:\/\/127\.0\.0\.1/);
    } finally {
      w.kill();
      r.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("a queue URL that is not redis:// is a usage error", () => {
    const r = spawnSync(process.execPath, [BIN, "worker", "--queue", "http://localhost:6379"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--queue: wants redis:\/\/HOST:PORT\[\/db\], got "http:\/\/localhost:6379"/);
  });
});
