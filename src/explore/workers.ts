/**
 * Exploration on K worker threads. Random and PCT split the schedule indices (worker w runs w, w+K, ...),
 * DFS splits the subtrees under the first choice point, and the violation reported is the one with the
 * smallest search index, so the verdict (and, for random and PCT, the counterexample) is the one a
 * single worker gives for the same seed. DPOR's backtrack sets span the whole tree, so it runs on one.
 */
import { Worker } from "node:worker_threads";
import type { Scenario } from "../scenario/types.js";
import { explore, type ExploreProgress, type ExploreRequest, type ExploreResult } from "./explorer.js";
import { StateSet } from "./state-set.js";
import { runUnit, type WorkUnit } from "./worker.js";

export async function exploreInWorkers(
  req: ExploreRequest,
  where: { scenario: Scenario; baseDir: string },
  k: number,
): Promise<ExploreResult> {
  if (k <= 1 || req.strategy === "dpor") return explore(req);
  const best = new SharedArrayBuffer(4);
  new Int32Array(best)[0] = 0x7fffffff;
  // Random and PCT hand out schedule indices from a shared counter, so the shares balance themselves;
  // DFS splits the subtrees under the first choice point.
  const dynamic = req.strategy === "random" || req.strategy === "pct";
  const claims = dynamic ? new SharedArrayBuffer(4) : null;
  const unitFor = (index: number): WorkUnit => ({
    scenario: where.scenario,
    baseDir: where.baseDir,
    strategy: req.strategy,
    // DFS: the budget split evenly; with a shared counter the budget bounds the indices handed out.
    budget: dynamic ? req.budget : Math.ceil((req.budget - index) / k),
    seed: req.seed,
    depth: req.depth,
    preemptions: req.preemptions,
    share: { index, of: k },
    best,
    claims,
  });
  const progress: ExploreProgress[] = Array.from({ length: k }, () => ({ schedules: 0, events: 0, found: 0 }));
  const report = (): void => {
    const p = sum(progress);
    // While this thread searches, the workers' progress messages wait: the counter says how far all are.
    if (claims) p.schedules = Math.max(p.schedules, Math.min(req.budget, Atomics.load(new Int32Array(claims), 0)));
    req.onProgress?.(p);
  };
  // Shares 1..k-1 on worker threads, started first; share 0 on this thread, which has everything
  // loaded already and so searches while the workers start up.
  const workers: Worker[] = [];
  const threads = Array.from({ length: k - 1 }, (_, w) => {
    const index = w + 1;
    return new Promise<ExploreResult>((resolve, reject) => {
      const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: { smpsimExploreUnit: unitFor(index) } });
      workers.push(worker);
      worker.on("message", (m: { progress?: ExploreProgress; result?: ExploreResult }) => {
        if (m.progress) {
          progress[index] = m.progress;
          report();
        }
        if (m.result) resolve(m.result);
      });
      worker.on("error", reject);
      worker.on("exit", (code) => code !== 0 && reject(new Error(`exploration worker ${index} exited with ${code}`)));
    });
  });
  let own: ExploreResult;
  try {
    own = runUnit(unitFor(0), {
      target: req.target,
      onProgress: (p) => {
        progress[0] = p;
        report();
      },
    });
  } catch (e) {
    // The workers would keep the process alive to no purpose; their failures no longer matter.
    for (const t of threads) t.catch(() => undefined);
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  try {
    return merge([own, ...(await Promise.all(threads))]);
  } catch (e) {
    for (const t of threads) t.catch(() => undefined);
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
}

function sum(ps: ExploreProgress[]): ExploreProgress {
  return ps.reduce((a, p) => ({ schedules: a.schedules + p.schedules, events: a.events + p.events, found: a.found + p.found }));
}

function merge(rs: ExploreResult[]): ExploreResult {
  const finals = new Set(rs.flatMap((r) => r.fingerprints?.finals ?? []));
  const seen = new StateSet();
  for (const r of rs) if (r.fingerprints) seen.addPacked(r.fingerprints.seen);
  const found = rs.map((r) => r.found).filter((f) => f !== null).sort((a, b) => a.index - b.index)[0] ?? null;
  const first = rs[0]!;
  return {
    strategy: first.strategy,
    schedules: rs.reduce((n, r) => n + r.schedules, 0),
    events: rs.reduce((n, r) => n + r.events, 0),
    exhausted: first.exhausted === null ? null : !found && rs.every((r) => r.exhausted),
    distinctFinalStates: finals.size,
    distinctStatesSeen: seen.size,
    ...(seen.capped ? { statesSeenCapped: true as const } : {}),
    found,
  };
}
