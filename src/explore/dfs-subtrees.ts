/**
 * DFS on several threads with the verdict of one. A serial DFS runs the subtree under root pick 0
 * whole, then the subtree under pick 1, ... (the first choice point has no preemptions, so every pick
 * is allowed there). A budget B keeps the first B schedules of that order. Workers claim root subtrees
 * from a shared counter and publish, per subtree, how many schedules they ran and whether one
 * violated; a subtree's schedule n is then search-wide schedule (schedules of earlier subtrees) + n.
 *
 * A worker stops a subtree early when an earlier subtree has a violation (serially, nothing after it
 * runs) or when the schedules counted so far in earlier subtrees plus its own reach B (they only
 * grow, so that sum is a lower bound of its offset). `mergeSubtrees` then walks the subtrees in order
 * as the serial search would. A subtree (its root pick, the scenario and a budget) is also the unit a
 * job queue could hand to another machine: the merge needs only each subtree's count and find.
 */
import type { ChoiceKind, Chooser } from "../engine/chooser.js";
import { Abandon, execute, type ExecutionTarget } from "./execution.js";
import type { ExploreRequest, ExploreResult, Found } from "./explorer.js";
import { explore } from "./explorer.js";

/** The most root subtrees a search may have (the first choice point's options; a handful in practice). */
export const MAX_SUBTREES = 4096;

// A subtree's state: 0 while it runs, then one of these.
const DONE = 1;
const FOUND = 2;
const STOPPED = 3;

/** How many root subtrees the search has: the options at the first choice point (0: it has none). */
export function rootChoices(t: ExecutionTarget): number {
  let of = 0;
  const probe: Chooser = {
    pick(_kind: ChoiceKind, n: number): number {
      of = n;
      throw new Abandon();
    },
  };
  execute(t, probe);
  if (of > MAX_SUBTREES) throw new Error(`the first choice point has ${of} options; DFS on workers splits at most ${MAX_SUBTREES}`);
  return of;
}

/** Shared table: [0] next subtree to claim; per subtree r: count at 1+3r, state at 2+3r, local find at 3+3r. */
export const subtreeTable = (): SharedArrayBuffer => new SharedArrayBuffer(4 * (1 + 3 * MAX_SUBTREES));

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
 * Claims and runs root subtrees below `subtrees` until none is left or an earlier find makes the rest
 * moot. `req` is the whole search's request (its budget is the search-wide B).
 */
export function runSubtrees(req: ExploreRequest, table: SharedArrayBuffer, subtrees: number): SubtreeResults {
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
    if (r >= subtrees) break;
    if (moot(r, 0)) {
      Atomics.store(t, STATE(r), STOPPED);
      continue;
    }
    const before = { schedules: 0, events: 0 };
    for (const x of results) (before.schedules += x.schedules), (before.events += x.events);
    const res = explore({
      ...req,
      share: { index: 0, of: 1, root: r },
      // This thread's figures over all its subtrees.
      onProgress: (p) => req.onProgress?.({ schedules: before.schedules + p.schedules, events: before.events + p.events, found: p.found }),
      keepFingerprints: true,
      proceed: (n) => {
        Atomics.store(t, COUNT(r), n);
        return !moot(r, n);
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
