/**
 * Stateful depth-first search (SPIN's, Holzmann 1997; here without partial-order reduction): the
 * preemption-bounded DFS of dfs.ts, which also stores every state it reaches at a scheduling choice
 * point (state-key.ts: machine, kernel, hypervisor, messages in flight, each core's program trace)
 * and prunes a continuation that reaches a state already explored with at least the same remaining
 * bound. It looks states up at some steps with no choice too (`forcedStep`: the first after a choice
 * point, and loop heads), so that a long stretch one core runs alone is cut where another order
 * already ran it. Executions resume from a snapshot of the choice point they change (resume.ts).
 *
 * Why a prune is sound: the future of an execution from a choice point is fixed by the engine's state
 * there, which state-key.ts encodes completely, and the choices still to make. A state is stored when
 * DFS first reaches it, and DFS explores everything below it before the search ends, so any schedule
 * through a second visit is, from that state on, one DFS runs (or ran) below the first: the same
 * events, the same invariant checks, the same final states. With a bound, the first visit covers the
 * second when it had no more preemptions behind it and the same item last, or one fewer (visited.ts).
 * A stored state on the current path (a cycle) is pruned too: its successors are being explored.
 *
 * It gives an exhaustive verdict within the bound, like DFS. DPOR combined with a state store is
 * `dpor --stateful` (dpor-states.ts, dpor-summaries.ts: Yang et al., SPIN 2008), unbounded only.
 */
import { backtrack, isPreemption, type BacktrackHooks, type ChoiceNode } from "./dfs.js";
import { canonicalFinal } from "./canonical.js";
import type { Renaming } from "../scenario/symmetry.js";
import type { Strategy, StrategyOptions } from "./strategy.js";
import type { StateRef, Visited } from "./visited.js";
import { ForcedStates } from "./forced-states.js";
import type { FinalsBelow } from "./finals-below.js";
import { Resumer } from "./resume.js";
import { StatefulChooser, type ChooserMark, type StatefulStats } from "./stateful-chooser.js";

export type { StatefulStats } from "./stateful-chooser.js";

/** Whether backtracking could still pick something new at `n` (dfs.ts's `backtrack` would). */
function hasUntried(n: ChoiceNode, bound: number): boolean {
  for (let i = 0; i < n.of; i++) if (!n.tried.includes(i) && n.preBefore + (isPreemption(n, i) ? 1 : 0) <= bound) return true;
  return false;
}

/** How a stateful search uses the scenario's symmetry groups. */
export interface SymmetryUse {
  /** Every permutation of the groups but the identity (src/scenario/symmetry.ts). */
  renamings: readonly Renaming[];
  /** Whether states are canonicalised (symmetry reduction); false: only the final states gathered are. */
  reduce: boolean;
}

/**
 * `finals`: when given, gathers the final states reachable, pruned executions included (with
 * `symmetry`, in canonical form: canonical.ts's canonicalFinal, so that searches with and without the
 * reduction can be compared).
 */
export function statefulStrategy(
  o: StrategyOptions,
  store: Visited,
  stats: StatefulStats,
  cores: number,
  finals?: FinalsBelow,
  symmetry?: SymmetryUse,
  /** Local steps (local-steps.ts); the walker's registers are not local with speculative walks. */
  reduce: { localSteps: boolean; speculativeWalks: boolean } = { localSteps: false, speculativeWalks: true },
): Strategy {
  if (o.share.of > 1 || o.share.index > 0 || o.share.prefix) throw new Error("stateful search runs on one thread");
  const path: ChoiceNode[] = [];
  const keys: (string | null)[] = [];
  let current: StatefulChooser | null = null;
  let started = false;
  const bounded = o.preemptions !== Infinity;
  let resumer: Resumer<ChooserMark> | null = null;
  /**
   * With a bound, a state is first stored with the preemptions it was reached with, and a later visit
   * with fewer is explored again. But where the bound left out no pick anywhere below a state (and
   * no prune below it relied on the bound), its unbounded subtree was explored: it is marked complete
   * and covers every later visit. With a bound no path reaches (the acceptance's 1000), that makes the
   * bounded search store what the unbounded one stores.
   */
  const cut: boolean[] = [];
  const refs: (StateRef | null)[] = [];
  // States stored at steps with no choice: finished with the node below them (forced-states.ts).
  const forced = new ForcedStates();
  const onBacktrack: BacktrackHooks = {
    cut: (i) => void (cut[i] = true),
    popped: (i) => {
      // Node i's subtree, and the stretch of steps with no choice just above it, are done.
      if (forced.finish(i, cut[i] === true, store, bounded)) cut[i] = true;
      if (cut[i]) {
        if (i > 0) cut[i - 1] = true;
      } else if (bounded && refs[i]) store.complete(refs[i]);
      cut[i] = false;
    },
  };
  /** The path node whose pick the next execution changes (-1: the first execution). */
  let from = -1;
  return {
    name: "dfs",
    exhaustive: true,
    lastIndex: -1,
    next() {
      if (started) {
        // The last execution's tail (after its last choice point) is done.
        if (forced.finish(path.length, false, store, bounded) && path.length > 0) cut[path.length - 1] = true;
        if (!backtrack(path, o.preemptions, onBacktrack)) return null;
      }
      started = true;
      keys.length = path.length;
      from = path.length - 1;
      this.lastIndex++;
      return (current = new StatefulChooser(
        path,
        store,
        stats,
        bounded,
        cores,
        keys,
        (resumer ??= new Resumer(cores, stats)),
        finals !== undefined,
        refs,
        cut,
        forced,
        reduce.localSteps,
        reduce.speculativeWalks,
        symmetry?.reduce ? symmetry.renamings : [],
      ));
    },
    execute(t, _chooser, hooks) {
      return resumer!.run(t, current!, hooks, from, from >= 0 && !hasUntried(path[from]!, o.preemptions));
    },
    done(exec) {
      if (!finals || !current) return;
      const final = exec.abandoned ? null : symmetry ? canonicalFinal(current.live!, symmetry.renamings) : exec.finalHash;
      finals.add([...keys.slice(0, path.length), ...forced.keysUpTo(path.length)], final, current.prunedAt);
    },
  };
}
