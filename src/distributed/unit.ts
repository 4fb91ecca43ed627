/**
 * A unit of exploration as it crosses the network: data only (a resolved scenario, the search's
 * parameters, and a share of it), never code. A scenario whose ASID allocator is a user module names
 * the file and its SHA-256; each worker loads its own copy and refuses a unit whose hash differs.
 */
import type { Violation } from "../invariants/invariant.js";
import type { Scenario } from "../scenario/types.js";
import type { StrategyName } from "../explore/strategy.js";

export interface QueueUnit {
  /** The tool build that made the unit (build.ts): a worker of another build refuses it. */
  build: string;
  /** The run (one coordinator's search) and the unit's place in it. */
  run: string;
  n: number;
  scenario: Scenario;
  /**
   * The user modules the scenario names (ASID allocator, switch_mm, TLB flush, VMID allocator, world
   * switch): the scenario field, the path (relative to the worker's directory, or absolute), SHA-256.
   */
  modules: { field: string; path: string; sha256: string }[];
  strategy: StrategyName;
  /** The search-wide budget. */
  budget: number;
  seed: number;
  depth: number;
  preemptions: number;
  dporPreemptions?: number;
  /** Random and PCT: schedule indices [from, to). */
  range?: [number, number];
  /** DFS: the subtree below these picks at the first choice points (dfs-subtrees.ts). */
  prefix?: number[];
}

/** How a unit ended: its share run to the end, a violation in it, or stopped short (moot, or aborted). */
export type UnitState = "done" | "found" | "stopped";

/** What a worker publishes per unit. */
export interface UnitResult {
  n: number;
  state: UnitState;
  schedules: number;
  events: number;
  /** DFS / DPOR: the unit's share was exhausted. */
  exhausted: boolean | null;
  /**
   * The first violation: `index` is search-wide for random and PCT and DPOR, the schedule's number
   * inside the subtree for DFS.
   */
  found: { violation: Violation; picks: number[]; index: number } | null;
  /** Distinct final states (fingerprint strings) and states seen (packed halves, base64). */
  finals: string[];
  seen: { hi: string; lo: string; capped: boolean };
}

/** Schedules per random/PCT unit by default: the queue's cost per unit stays well under 5 % (README). */
export const DEFAULT_UNIT_SCHEDULES = 500;
/** DFS: the subtrees a search is split into (several per worker thread, so a large one does not idle the rest). */
export const DFS_UNITS = 64;

/** Redis keys of a run beside BullMQ's own: where workers read the cut, and publish progress. */
export const keys = {
  /** Units past this stop: random/PCT a schedule index, DFS a subtree number; -1 stops every unit. */
  cut: (run: string): string => `smpsim:${run}:cut`,
  /** Hash: unit number → schedules run so far (for the coordinator's progress). */
  progress: (run: string): string => `smpsim:${run}:progress`,
  /** The current run (generation) of a set of search arguments, for --resume. */
  current: (args: string): string => `smpsim:args:${args}`,
};

/** Every run's keys expire after this long (seconds) without a coordinator refreshing them. */
export const KEY_TTL_S = 7 * 24 * 3600;

/** The queue every worker takes units from. */
export const QUEUE_NAME = "smpsim-explore";

export const jobId = (run: string, n: number): string => `${run}-${n}`;
