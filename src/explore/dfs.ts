/**
 * Exhaustive depth-first search over the run's choices with a preemption bound (CHESS: Musuvathi and
 * Qadeer, PLDI 2007). A preemption is picking another item while the one that just ran is still
 * ready; by default a schedule keeps running the same core, so the first execution has none, and
 * alternatives are tried from the deepest choice point up, as long as they stay within the bound.
 * Program and replacement choices are branched on fully (they are not interleavings).
 */
import type { ChoiceKind, Chooser, StepOption } from "../engine/chooser.js";
import type { Strategy, StrategyOptions } from "./strategy.js";

export interface ChoiceNode {
  of: number;
  /** Keys of the step options; null for program and replacement choices. */
  keys: number[] | null;
  /** The key that ran just before this choice point. */
  prevKey: number;
  /** Preemptions on the path before this choice point. */
  preBefore: number;
  /** The pick the next execution makes here. */
  current: number;
  /** Picks already made here, in order. */
  tried: number[];
}

/** A preemption (CHESS): picking another key while the key that ran last is still ready. */
export const preempts = (keys: readonly number[] | null, prevKey: number, pick: number): boolean =>
  keys !== null && keys.includes(prevKey) && keys[pick] !== prevKey;

export const isPreemption = (n: ChoiceNode, pick: number): boolean => preempts(n.keys, n.prevKey, pick);

/** The pick an execution makes at a new choice point: keep running what ran last, else the first. */
export function defaultPick(keys: number[] | null, prevKey: number): number {
  if (!keys) return 0;
  const i = keys.indexOf(prevKey);
  return i < 0 ? 0 : i;
}

/**
 * Replays the recorded path, then extends it with default picks, recording the new choice points.
 * `prefix`: picks made at the first choice points and never backtracked (the search is then the
 * subtree below them: dfs-subtrees.ts splits a search so).
 */
export class PathChooser implements Chooser {
  private depth = 0;
  private prevKey = -1_000_000;
  private preemptions = 0;
  constructor(
    readonly path: ChoiceNode[],
    private readonly prefix: readonly number[] = [],
  ) {}

  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number {
    let node = this.path[this.depth];
    if (!node) {
      const keys = kind === "step" ? options.slice(0, of).map((o) => o.key) : null;
      // A prefix pick is fixed: every other pick there counts as tried, so backtracking never changes it.
      const fixed = this.depth < this.prefix.length;
      const pick = fixed ? this.prefix[this.depth]! : defaultPick(keys, this.prevKey);
      const tried = fixed ? Array.from({ length: of }, (_, i) => i) : [pick];
      node = { of, keys, prevKey: this.prevKey, preBefore: this.preemptions, current: pick, tried };
      this.path.push(node);
    }
    this.depth++;
    if (isPreemption(node, node.current)) this.preemptions++;
    return node.current;
  }

  stepped(key: number): void {
    this.prevKey = key;
  }
}

export function dfsStrategy(o: StrategyOptions): Strategy {
  // DFS is split between workers by subtree prefix, never by schedule index.
  if (o.share.of > 1 || o.share.index > 0) throw new Error("dfs takes a share as a subtree prefix (dfs-subtrees.ts)");
  const path: ChoiceNode[] = [];
  let started = false;
  return {
    name: "dfs",
    exhaustive: true,
    lastIndex: -1,
    next() {
      if (started && !backtrack(path, o.preemptions)) return null;
      started = true;
      this.lastIndex++;
      return new PathChooser(path, o.share.prefix);
    },
    done: () => undefined,
  };
}

/** What stateful search learns from backtracking (stateful.ts): picks the bound left out, nodes finished. */
export interface BacktrackHooks {
  /** A pick at path node `i` was left out for the bound. */
  cut(i: number): void;
  /** Path node `i` is finished: everything below it was explored. */
  popped(i: number): void;
}

/** Moves the deepest choice point with an untried pick within the bound to it; false when none is left. */
export function backtrack(path: ChoiceNode[], bound: number, hooks?: BacktrackHooks): boolean {
  while (path.length > 0) {
    const n = path.at(-1)!;
    for (let i = 0; i < n.of; i++) {
      if (n.tried.includes(i)) continue;
      if (n.preBefore + (isPreemption(n, i) ? 1 : 0) > bound) {
        hooks?.cut(path.length - 1);
        continue;
      }
      n.current = i;
      n.tried.push(i);
      return true;
    }
    path.pop();
    hooks?.popped(path.length);
  }
  return false;
}
