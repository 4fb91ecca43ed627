/**
 * Exhaustive depth-first search over the run's choices with a preemption bound (CHESS: Musuvathi and
 * Qadeer, PLDI 2007). A preemption is picking another item while the one that just ran is still
 * ready; by default a schedule keeps running the same core, so the first execution has none, and
 * alternatives are tried from the deepest choice point up, as long as they stay within the bound.
 * Program and replacement choices are branched on fully (they are not interleavings).
 */
import type { ChoiceKind, Chooser, StepOption } from "../engine/chooser.js";
import { Abandon } from "./execution.js";
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

/** Replays the recorded path, then extends it with default picks, recording the new choice points. */
export class PathChooser implements Chooser {
  private depth = 0;
  private prevKey = -1_000_000;
  private preemptions = 0;
  /**
   * `rootAllowed`: which picks at the first choice point belong to this worker's subtrees. `prefix`:
   * picks made at the first choice points and never backtracked (the search is the subtree below them).
   */
  constructor(
    readonly path: ChoiceNode[],
    private readonly rootAllowed: (pick: number) => boolean = () => true,
    private readonly prefix: readonly number[] = [],
  ) {}

  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number {
    let node = this.path[this.depth];
    if (!node && this.depth < this.prefix.length) {
      const keys = kind === "step" ? options.slice(0, of).map((o) => o.key) : null;
      const all = Array.from({ length: of }, (_, i) => i);
      node = { of, keys, prevKey: this.prevKey, preBefore: this.preemptions, current: this.prefix[this.depth]!, tried: all };
      this.path.push(node);
    }
    if (!node) {
      const keys = kind === "step" ? options.slice(0, of).map((o) => o.key) : null;
      let pick = defaultPick(keys, this.prevKey);
      if (this.depth === 0 && !this.rootAllowed(pick)) {
        pick = Array.from({ length: of }, (_, i) => i).find(this.rootAllowed) ?? -1;
        if (pick < 0) throw new Abandon(); // no subtree of this worker's share exists
      }
      node = { of, keys, prevKey: this.prevKey, preBefore: this.preemptions, current: pick, tried: [pick] };
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
  const path: ChoiceNode[] = [];
  const { prefix, index, of } = o.share;
  const mine = (pick: number): boolean => prefix !== undefined || pick % of === index;
  let started = false;
  let over = false;
  return {
    name: "dfs",
    exhaustive: true,
    lastIndex: -1,
    next() {
      if (over || (started && !backtrack(path, o.preemptions, mine))) return null;
      started = true;
      this.lastIndex++;
      return new PathChooser(path, mine, prefix);
    },
    done(exec) {
      if (exec.abandoned && path.length === 0) over = true;
    },
  };
}

/** Moves the deepest choice point with an untried pick within the bound to it; false when none is left. */
export function backtrack(path: ChoiceNode[], bound: number, rootAllowed: (pick: number) => boolean = () => true): boolean {
  while (path.length > 0) {
    const n = path.at(-1)!;
    for (let i = 0; i < n.of; i++) {
      if (n.tried.includes(i)) continue;
      if (path.length === 1 && !rootAllowed(i)) continue;
      if (n.preBefore + (isPreemption(n, i) ? 1 : 0) > bound) continue;
      n.current = i;
      n.tried.push(i);
      return true;
    }
    path.pop();
  }
  return false;
}
