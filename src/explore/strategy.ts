/**
 * A search strategy hands out one chooser per execution and learns from each execution's trace: the
 * interface the explorer loop drives (xstate's graph traversal has the same shape: a step function,
 * an enumerator of enabled choices, limits and a stop predicate).
 */
import type { Chooser } from "../engine/chooser.js";
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import type { Execution, ExecutionHooks, ExecutionTarget } from "./execution.js";

export type StrategyName = "random" | "pct" | "dfs" | "dpor";

export interface Strategy {
  readonly name: StrategyName;
  /** The chooser for the next execution, or null when the search space is exhausted. */
  next(): Chooser | null;
  /** What the execution made of it (the chooser it ran with is the last one `next` returned). */
  done(exec: Execution): void;
  /** Whether `next` returning null means every schedule (within the bounds) was run. */
  readonly exhaustive: boolean;
  /** Sees every event of the execution with the live state (DPOR builds footprints from them). */
  observe?: (ev: SimEvent, state: MachineState) => void;
  /** The search-wide index of the schedule `next` last handed out (comparable across workers). */
  lastIndex: number;
  /** Runs the execution itself (stateful search resumes it from a snapshot: resume.ts); absent: `execute`. */
  execute?(t: ExecutionTarget, chooser: Chooser, hooks: ExecutionHooks): Execution;
}

/** This worker's share of the search: worker `index` of `of` (0 of 1 when alone), or (DFS) a subtree. */
export interface Share {
  index: number;
  of: number;
  /**
   * Random and PCT: hands out the next schedule index not taken by any worker, or -1 when the budget
   * is spent (workers that share a counter balance themselves: one that started late takes fewer).
   * Without it, worker `index` takes index, index + of, ...
   */
  claim?: () => number;
  /** DFS: only the subtree below these picks at the first choice points (index 0 of 1). */
  prefix?: readonly number[];
}

/** The schedule index after `i` of this share's own (null: none left). */
export function nextIndex(share: Share, i: number): number | null {
  if (!share.claim) return share.index + share.of * i;
  const k = share.claim();
  return k < 0 ? null : k;
}

export interface StrategyOptions {
  seed: number;
  /** PCT: bug depth d (d − 1 priority change points). */
  depth: number;
  /** DFS: the most preemptions a schedule may have. */
  preemptions: number;
  /** DPOR: the most preemptions a schedule may have (bounded partial-order reduction); absent: unbounded. */
  dporPreemptions?: number;
  /** DPOR: which pick first where several are open (first: the listed order; random: seeded by `seed`). */
  dporOrder?: "first" | "random" | "pct";
  /** Speculative-walk probability for random choosers. */
  specRate: number;
  /** PCT: the number of steps an execution takes, estimated from a first run. */
  steps: number;
  /** DPOR: false starts every execution over instead of resuming it from a snapshot (resume.ts). */
  resume?: boolean;
  /** DPOR: the tasks each core's scheduler may pick. */
  tasksOn: (core: number) => readonly string[];
  /** Random and PCT take schedules index, index + of, ...; DFS the subtree below `share.prefix`. */
  share: Share;
}

/**
 * A sampling strategy (random, PCT): schedule i is made from its search-wide index alone, so a worker
 * taking any subset of indices runs exactly the schedules one worker would for them.
 */
export function indexedStrategy(name: StrategyName, share: Share, chooserFor: (index: number) => Chooser): Strategy {
  let i = 0;
  return {
    name,
    exhaustive: false,
    lastIndex: -1,
    next() {
      const index = nextIndex(share, i++);
      if (index === null) return null;
      this.lastIndex = index;
      return chooserFor(index);
    },
    done: () => undefined,
  };
}
