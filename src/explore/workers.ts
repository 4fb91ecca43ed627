/**
 * Exploration on K worker threads, with the verdict and counterexample one worker gives for the same
 * seed and budget. Random and PCT hand out schedule indices from a shared counter and the smallest
 * violating index wins; DFS hands out subtrees below the first choice points and puts their counts
 * back in serial order (dfs-subtrees.ts). DPOR's backtrack sets span the whole tree, so it runs on one.
 */
import { Worker } from "node:worker_threads";
import type { Scenario } from "../scenario/types.js";
import { mergeSubtrees, splitSubtrees, subtreeTable, type SubtreeResults } from "./dfs-subtrees.js";
import { exploreYielding, type ExploreProgress, type ExploreRequest, type ExploreResult } from "./explorer.js";
import { StateSet } from "./state-set.js";
import { runDfsUnit, runUnitYielding, type WorkUnit } from "./worker.js";

const SUBTREES_PER_THREAD = 8;

/** What a thread hands back: a share's result, or (DFS) what each of its subtrees gave. */
type ThreadResult = { result: ExploreResult } | { subtrees: SubtreeResults };

export async function exploreInWorkers(
  req: ExploreRequest,
  where: { scenario: Scenario; baseDir: string },
  k: number,
): Promise<ExploreResult> {
  if (k <= 1 || req.strategy === "dpor") return exploreYielding(req);
  // DFS: several subtrees per thread, so one that is large does not leave the others idle.
  const units = req.strategy === "dfs" ? splitSubtrees(req.target, req.preemptions, SUBTREES_PER_THREAD * k) : [];
  if (req.strategy === "dfs" && units.length <= 1) return exploreYielding(req); // nothing to split
  const dfs = req.strategy === "dfs" ? { table: subtreeTable(units.length), units } : null;
  // Int32 [0]: 1 once the caller's `proceed` said stop (Ctrl-C, a time limit): every thread stops.
  const stop = new SharedArrayBuffer(4);
  const stopFlag = new Int32Array(stop);
  const proceed = (n: number): boolean => {
    if (Atomics.load(stopFlag, 0) === 1) return false;
    if (req.proceed && !req.proceed(n)) return (Atomics.store(stopFlag, 0, 1), false);
    return true;
  };
  const best = new SharedArrayBuffer(4);
  new Int32Array(best)[0] = 0x7fffffff;
  // Random and PCT hand out schedule indices from a shared counter, so the shares balance themselves.
  const claims = dfs ? null : new SharedArrayBuffer(4);
  const unitFor = (index: number): WorkUnit => ({
    scenario: where.scenario,
    baseDir: where.baseDir,
    strategy: req.strategy,
    // The search-wide budget: it bounds the indices handed out, or (DFS) the serial order's schedules.
    budget: req.budget,
    seed: req.seed,
    depth: req.depth,
    preemptions: req.preemptions,
    share: { index, of: k },
    best,
    claims,
    dfs,
    stop,
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
    return new Promise<ThreadResult>((resolve, reject) => {
      const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: { smpsimExploreUnit: unitFor(index) } });
      workers.push(worker);
      worker.on("message", (m: { progress?: ExploreProgress } & Partial<ThreadResult>) => {
        if (m.progress) {
          progress[index] = m.progress;
          report();
        }
        if ("result" in m && m.result) resolve({ result: m.result });
        if ("subtrees" in m && m.subtrees) resolve({ subtrees: m.subtrees });
      });
      worker.on("error", reject);
      worker.on("exit", (code) => code !== 0 && reject(new Error(`exploration worker ${index} exited with ${code}`)));
    });
  });
  let own: ThreadResult;
  try {
    const base = {
      target: req.target,
      proceed,
      onProgress: (p: ExploreProgress) => {
        progress[0] = p;
        report();
      },
    };
    own = dfs ? { subtrees: runDfsUnit(unitFor(0), base) } : { result: await runUnitYielding(unitFor(0), base) };
  } catch (e) {
    // The workers would keep the process alive to no purpose; their failures no longer matter.
    for (const t of threads) t.catch(() => undefined);
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  // While the workers finish, keep asking the caller (its signal handler and timers can run now).
  const poll = req.proceed ? setInterval(() => void proceed(0), 50) : null;
  try {
    const all = [own, ...(await Promise.all(threads))];
    if (!dfs) return merge(all.map((r) => ("result" in r ? r.result : null)).filter((r) => r !== null));
    const parts = all.flatMap((r) => ("subtrees" in r ? [r.subtrees] : []));
    const serial = mergeSubtrees(
      dfs.table,
      units.length,
      req.budget,
      parts.flatMap((p) => p.finds),
    );
    const merged = merge(parts.flatMap((p) => p.results));
    // Stopped by the caller: the serial order has gaps, so the count is what the threads ran.
    if (Atomics.load(stopFlag, 0) === 1 && !serial.found) return { ...merged, found: null, exhausted: false };
    return { ...merged, ...serial };
  } catch (e) {
    for (const t of threads) t.catch(() => undefined);
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  } finally {
    if (poll) clearInterval(poll);
  }
}

function sum(ps: ExploreProgress[]): ExploreProgress {
  // States seen by several threads overlap: the largest thread's count is what is known for certain.
  return ps.reduce((a, p) => ({
    schedules: a.schedules + p.schedules,
    events: a.events + p.events,
    found: a.found + p.found,
    statesSeen: Math.max(a.statesSeen ?? 0, p.statesSeen ?? 0),
  }));
}

function merge(rs: ExploreResult[]): ExploreResult {
  const finals = new Set(rs.flatMap((r) => r.fingerprints?.finals ?? []));
  const seen = new StateSet();
  for (const r of rs) if (r.fingerprints) seen.addPacked(r.fingerprints.seen);
  const found =
    rs
      .map((r) => r.found)
      .filter((f) => f !== null)
      .sort((a, b) => a.index - b.index)[0] ?? null;
  const first = rs[0]!;
  return {
    strategy: first.strategy,
    schedules: rs.reduce((n, r) => n + r.schedules, 0),
    events: rs.reduce((n, r) => n + r.events, 0),
    exhausted: first.exhausted === null ? null : !found && rs.every((r) => r.exhausted),
    ...(first.preemptionBound !== undefined ? { preemptionBound: first.preemptionBound } : {}),
    distinctFinalStates: finals.size,
    distinctStatesSeen: seen.size,
    ...(seen.capped ? { statesSeenCapped: true as const } : {}),
    found,
  };
}
