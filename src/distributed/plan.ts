/**
 * A search cut into queue units, as the local workers cut it: random and PCT into ranges of schedule
 * indices, DFS into the subtrees below the first choice points (dfs-subtrees.ts `splitSubtrees`).
 * DPOR's backtrack sets span the whole tree (a race found in one subtree adds a backtrack point in
 * another, earlier, one), so a DPOR search is a single unit run by one worker (README).
 */
import { builtinAllocator } from "../kernel/asid/registry.js";
import { modulePaths } from "../modules/resolve.js";
import { splitSubtrees } from "../explore/dfs-subtrees.js";
import type { ExploreRequest } from "../explore/explorer.js";
import { isAbsolute, relative, resolve } from "node:path";
import { buildId, sha256File } from "./build.js";
import type { Plan } from "./merge.js";
import { DEFAULT_UNIT_SCHEDULES, DFS_UNITS, type QueueUnit } from "./unit.js";

/** The units without their run id (it is filled in once the run is known). */
export type UnitDraft = Omit<QueueUnit, "run">;

export function planUnits(
  req: ExploreRequest,
  baseDir: string,
  unitSchedules = DEFAULT_UNIT_SCHEDULES,
): { plan: Plan; units: UnitDraft[] } {
  const scenario = req.target.scenario;
  const named: Record<string, string> = { ...modulePaths(scenario) };
  if (!builtinAllocator(scenario.kernel.asidAllocator)) named["kernel.asidAllocator"] = scenario.kernel.asidAllocator;
  const modules = Object.entries(named).map(([field, name]) => {
    // Relative to this directory when below it (the scenario reader makes the name absolute): a worker
    // started in the same place of its own checkout finds its copy.
    const file = isAbsolute(name) ? name : resolve(baseDir, name);
    const below = relative(process.cwd(), file);
    return { field, path: below.startsWith("..") || isAbsolute(below) ? file : below, sha256: sha256File(file) };
  });
  const common = {
    build: buildId(),
    scenario,
    modules,
    strategy: req.strategy,
    budget: req.budget,
    seed: req.seed,
    depth: req.depth,
    preemptions: req.preemptions,
    ...(req.dporPreemptions !== undefined ? { dporPreemptions: req.dporPreemptions } : {}),
  };
  const bound = req.strategy === "dfs" ? req.preemptions : req.strategy === "dpor" ? req.dporPreemptions : undefined;
  const base = { strategy: req.strategy, budget: req.budget, ...(bound !== undefined ? { preemptionBound: bound } : {}) };
  if (req.strategy === "random" || req.strategy === "pct") {
    const ranges: [number, number][] = [];
    for (let from = 0; from < req.budget; from += unitSchedules) ranges.push([from, Math.min(req.budget, from + unitSchedules)]);
    return { plan: { ...base, ranges, units: ranges.length }, units: ranges.map((range, n) => ({ ...common, n, range })) };
  }
  const prefixes = req.strategy === "dfs" ? splitSubtrees(req.target, req.preemptions, DFS_UNITS) : [null];
  return {
    plan: { ...base, ranges: null, units: prefixes.length },
    units: prefixes.map((prefix, n) => ({ ...common, n, ...(prefix && prefix.length > 0 ? { prefix } : {}) })),
  };
}
