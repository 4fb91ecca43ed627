/**
 * DFS on several threads with the verdict of one. Serial DFS visits the subtrees below the first
 * choice points in a fixed order: at each choice point the default pick's subtree first, then the
 * other picks within the preemption bound in ascending order (dfs.ts `backtrack`). `splitSubtrees`
 * lists the subtrees below the first few choice points in that order, and a budget B keeps the first
 * B schedules of it. Workers claim subtrees from a shared counter and publish, per subtree, how many
 * schedules they ran and whether one violated; a subtree's schedule n is then search-wide schedule
 * (schedules of earlier subtrees) + n.
 *
 * A worker stops a subtree early when an earlier subtree has a violation (serially, nothing after it
 * runs) or when the schedules counted so far in earlier subtrees plus its own reach B (they only
 * grow, so that sum is a lower bound of its offset). `mergeSubtrees` then walks the subtrees in order
 * as the serial search would. A subtree (its prefix of picks, the scenario and a budget) is also the
 * unit a job queue could hand to another machine: the merge needs only each subtree's count and find.
 */
import { defaultPick, isPreemption, PathChooser, type ChoiceNode } from "./dfs.js";
import { execute, type ExecutionTarget } from "./execution.js";
import type { ExploreRequest, ExploreResult, Found } from "./explorer.js";
import { explore } from "./explorer.js";

/** The most subtrees a search is split into. */
const MAX_SUBTREES = 4096;
/** The most probe runs (each runs the scenario up to one choice point) a split may take. */
const MAX_PROBES = 2000;

// A subtree's state: 0 while it runs, then one of these.
const DONE = 1;
const FOUND = 2;
const STOPPED = 3;

/** The choice point after the picks `prefix`, as DFS records it, or null when the run makes no further choice. */
function probe(t: ExecutionTarget, prefix: readonly number[]): ChoiceNode | null {
  const path: ChoiceNode[] = [];
  execute(t, new PathChooser(path, prefix));
  return path[prefix.length] ?? null;
}

/** The picks at a choice point in the order serial DFS tries them: the default, then the others within the bound. */
function visitOrder(n: ChoiceNode, bound: number): number[] {
  const first = defaultPick(n.keys, n.prevKey);
  const rest = Array.from({ length: n.of }, (_, i) => i).filter(
    (i) => i !== first && n.preBefore + (isPreemption(n, i) ? 1 : 0) <= bound,
  );
  return [first, ...rest];
}

/**
 * The search split into subtrees, as prefixes of picks in serial DFS order. A bounded search keeps
 * most of its schedules below the prefixes that used no preemption yet (they have the whole budget
 * left): those are split first, down to the end of the run, then the others with the most budget
 * left, until there are `want` subtrees (or the tree is that small).
 */
export function splitSubtrees(t: ExecutionTarget, bound: number, want: number): number[][] {
  const units: { prefix: number[]; used: number; leaf: boolean }[] = [{ prefix: [], used: 0, leaf: false }];
  for (let probes = 0; probes < MAX_PROBES; probes++) {
    let i = -1;
    for (let j = 0; j < units.length; j++) {
      const u = units[j]!;
      if (u.leaf) continue;
      if (i < 0 || u.used < units[i]!.used || (u.used === units[i]!.used && u.prefix.length < units[i]!.prefix.length)) i = j;
    }
    if (i < 0 || (units[i]!.used > 0 && units.length >= want)) break;
    const u = units[i]!;
    const n = probe(t, u.prefix);
    if (!n) {
      u.leaf = true; // the run makes no choice below this prefix: a single schedule
      continue;
    }
    const children = visitOrder(n, bound).map((pick) => ({
      prefix: [...u.prefix, pick],
      used: n.preBefore + (isPreemption(n, pick) ? 1 : 0),
      leaf: false,
    }));
    if (units.length - 1 + children.length > MAX_SUBTREES) break;
    units.splice(i, 1, ...children);
  }
  return units.map((u) => u.prefix);
}

/** Shared table: [0] next subtree to claim; per subtree r: count at 1+3r, state at 2+3r, local find at 3+3r. */
export const subtreeTable = (subtrees: number): SharedArrayBuffer => new SharedArrayBuffer(4 * (1 + 3 * subtrees));

const COUNT = (r: number): number => 1 + 3 * r;
const STATE = (r: number): number => 2 + 3 * r;
const AT = (r: number): number => 3 + 3 * r;

/** What a thread found in the subtrees it ran: the found schedule's local index in its subtree. */
export interface SubtreeFind extends Found {
  subtree: number;
}

export interface SubtreeResults {
  /** What each subtree this thread ran gave (coverage; its own counts). */
  results: ExploreResult[];
  finds: SubtreeFind[];
}

/**
 * Claims and runs the subtrees below the prefixes `units` (from `splitSubtrees`, in serial order)
 * until none is left; one that an earlier find or the budget makes moot is marked and skipped. `req`
 * is the whole search's request (its budget is the search-wide B).
 */
export function runSubtrees(
  req: ExploreRequest,
  table: SharedArrayBuffer,
  units: readonly (readonly number[])[],
): SubtreeResults {
  const t = new Int32Array(table);
  const results: ExploreResult[] = [];
  const finds: SubtreeFind[] = [];
  const moot = (r: number, own: number): boolean => {
    let lower = 0;
    for (let j = 0; j < r; j++) {
      if (Atomics.load(t, STATE(j)) === FOUND) return true;
      lower += Atomics.load(t, COUNT(j));
    }
    return lower + own >= req.budget;
  };
  for (;;) {
    const r = Atomics.add(t, 0, 1);
    if (r >= units.length) break;
    if (moot(r, 0)) {
      Atomics.store(t, STATE(r), STOPPED);
      continue;
    }
    const before = { schedules: 0, events: 0 };
    for (const x of results) {
      before.schedules += x.schedules;
      before.events += x.events;
    }
    const res = explore({
      ...req,
      share: { index: 0, of: 1, prefix: units[r]! },
      // This thread's figures over all its subtrees.
      onProgress: (p) => req.onProgress?.({ ...p, schedules: before.schedules + p.schedules, events: before.events + p.events }),
      keepFingerprints: true,
      proceed: (n) => {
        Atomics.store(t, COUNT(r), n);
        return !moot(r, n) && (req.proceed?.(before.schedules + n) ?? true);
      },
    });
    results.push(res);
    Atomics.store(t, COUNT(r), res.schedules);
    if (res.found) {
      Atomics.store(t, AT(r), res.found.index);
      Atomics.store(t, STATE(r), FOUND);
      finds.push({ ...res.found, subtree: r });
    } else Atomics.store(t, STATE(r), res.exhausted ? DONE : STOPPED);
  }
  return { results, finds };
}

/**
 * The serial search's outcome from the subtrees' counts and finds: its found schedule (with its
 * search-wide index), how many schedules it ran, and whether it exhausted the space.
 */
export function mergeSubtrees(
  table: SharedArrayBuffer,
  subtrees: number,
  budget: number,
  finds: SubtreeFind[],
): { found: Found | null; schedules: number; exhausted: boolean } {
  const t = new Int32Array(table);
  let offset = 0;
  for (let r = 0; r < subtrees; r++) {
    const state = Atomics.load(t, STATE(r));
    const count = Atomics.load(t, COUNT(r));
    if (state === FOUND) {
      const index = offset + Atomics.load(t, AT(r));
      if (index >= budget) return { found: null, schedules: budget, exhausted: false };
      const f = finds.find((x) => x.subtree === r)!;
      return { found: { violation: f.violation, picks: f.picks, index }, schedules: index + 1, exhausted: false };
    }
    if (state !== DONE || offset + count > budget) return { found: null, schedules: budget, exhausted: false };
    offset += count;
  }
  return { found: null, schedules: offset, exhausted: true };
}
