/**
 * One exploration worker (a worker thread): runs its share of the search and reports back. The unit
 * of work is self-contained (a resolved scenario, a strategy, a share, a budget), so a job queue could
 * hand the same units to processes on other machines.
 */
import { parentPort, workerData } from "node:worker_threads";
import { resolveModules } from "../modules/resolve.js";
import type { Scenario } from "../scenario/types.js";
import { runSubtrees, type SubtreeResults } from "./dfs-subtrees.js";
import { explore, exploreYielding, type ExploreProgress, type ExploreRequest, type ExploreResult } from "./explorer.js";
import type { Share, StrategyName } from "./strategy.js";

export interface WorkUnit {
  scenario: Scenario;
  baseDir: string;
  strategy: StrategyName;
  budget: number;
  seed: number;
  depth: number;
  preemptions: number;
  share: Omit<Share, "claim">;
  /** Int32 [0]: smallest search index found violating so far, by any worker. */
  best: SharedArrayBuffer;
  /** Random and PCT: Int32 [0], the next schedule index to hand out (shared by all workers); else null. */
  claims: SharedArrayBuffer | null;
  /** DFS: the shared table of subtrees (see dfs-subtrees.ts) and their prefixes in serial order; else null. */
  dfs: { table: SharedArrayBuffer; units: number[][] } | null;
  /** Int32 [0]: 1 when the search is to stop where it is (the user's Ctrl-C or time limit). */
  stop?: SharedArrayBuffer;
}

type Base = Pick<ExploreRequest, "target" | "onProgress" | "proceed">;

/** A worker thread's `proceed`: the shared stop flag. */
function stopFlag(unit: WorkUnit): Pick<ExploreRequest, "proceed"> {
  if (!unit.stop) return {};
  const flag = new Int32Array(unit.stop);
  return { proceed: () => Atomics.load(flag, 0) === 0 };
}

/** Runs a DFS unit: claims subtrees of the shared table until none is left. */
export function runDfsUnit(unit: WorkUnit, base: Base): SubtreeResults {
  const { table, units } = unit.dfs!;
  return runSubtrees(searchOf(unit, base), table, units);
}

/** The search a unit belongs to: the base request with the unit's strategy, budget, seed and bounds. */
function searchOf(unit: WorkUnit, base: Base) {
  return {
    ...base,
    strategy: unit.strategy,
    budget: unit.budget,
    seed: unit.seed,
    depth: unit.depth,
    preemptions: unit.preemptions,
  };
}

/** Runs a unit's share of the search on this thread (a worker's, or the main thread's own). */
export function runUnit(unit: WorkUnit, base: Base): ExploreResult {
  return published(unit, explore(unitRequest(unit, base)));
}

/** The same, giving the event loop a turn now and then (the main thread's share: Ctrl-C is heard). */
export async function runUnitYielding(unit: WorkUnit, base: Base): Promise<ExploreResult> {
  return published(unit, await exploreYielding(unitRequest(unit, base)));
}

function unitRequest(unit: WorkUnit, base: Base): ExploreRequest {
  const best = new Int32Array(unit.best);
  const claims = unit.claims ? new Int32Array(unit.claims) : null;
  return {
    ...searchOf(unit, base),
    share: claims ? { ...unit.share, claim: () => claimBelow(claims, unit.budget) } : unit.share,
    keepFingerprints: true,
    stopAt: () => Atomics.load(best, 0),
  };
}

/** A found violation's index, published as an atomic min: other workers stop short of later schedules. */
function published(unit: WorkUnit, result: ExploreResult): ExploreResult {
  const best = new Int32Array(unit.best);
  if (result.found) {
    for (let cur = Atomics.load(best, 0); result.found.index < cur; cur = Atomics.load(best, 0)) {
      if (Atomics.compareExchange(best, 0, cur, result.found.index) === cur) break;
    }
  }
  return result;
}

/** The next unclaimed schedule index, or -1 once the budget is handed out. */
function claimBelow(claims: Int32Array, budget: number): number {
  const i = Atomics.add(claims, 0, 1);
  return i < budget ? i : -1;
}

// Only when started as an exploration worker (workers.ts imports runUnit from here on the main thread,
// and a test runner may run this module on a worker thread of its own).
const data = workerData as { smpsimExploreUnit?: WorkUnit } | null;
if (parentPort && data?.smpsimExploreUnit) {
  const unit = data.smpsimExploreUnit;
  const allocator = await resolveModules(unit.scenario, unit.baseDir);
  const base = {
    target: { scenario: unit.scenario, allocator },
    onProgress: (p: ExploreProgress) => parentPort!.postMessage({ progress: p }),
    ...stopFlag(unit),
  };
  if (unit.dfs) parentPort.postMessage({ subtrees: runDfsUnit(unit, base) });
  else parentPort.postMessage({ result: runUnit(unit, base) });
}
