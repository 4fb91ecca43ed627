/**
 * One exploration worker (a worker thread): runs its share of the search and reports back. The unit
 * of work is self-contained (a resolved scenario, a strategy, a share, a budget), so a job queue could
 * hand the same units to processes on other machines.
 */
import { parentPort, workerData } from "node:worker_threads";
import { resolveAllocator } from "../kernel/asid/registry.js";
import type { Scenario } from "../scenario/types.js";
import { explore } from "./explorer.js";
import type { Share, StrategyName } from "./strategy.js";

export interface WorkUnit {
  scenario: Scenario;
  baseDir: string;
  strategy: StrategyName;
  budget: number;
  seed: number;
  depth: number;
  preemptions: number;
  share: Share;
  /** Int32 [0]: smallest search index found violating so far, by any worker. */
  best: SharedArrayBuffer;
}

const unit = workerData as WorkUnit;
const best = new Int32Array(unit.best);
const allocator = await resolveAllocator(unit.scenario.kernel.asidAllocator, unit.baseDir);
const result = explore({
  target: { scenario: unit.scenario, allocator },
  strategy: unit.strategy,
  budget: unit.budget,
  seed: unit.seed,
  depth: unit.depth,
  preemptions: unit.preemptions,
  share: unit.share,
  keepFingerprints: true,
  stopAt: () => Atomics.load(best, 0),
  onProgress: (p) => parentPort!.postMessage({ progress: p }),
});
if (result.found) {
  // Atomic min: other workers stop short of schedules after this one.
  for (let cur = Atomics.load(best, 0); result.found.index < cur; cur = Atomics.load(best, 0)) {
    if (Atomics.compareExchange(best, 0, cur, result.found.index) === cur) break;
  }
}
parentPort!.postMessage({ result });
