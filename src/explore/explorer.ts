/**
 * The exploration loop: run schedules from a strategy until one violates an invariant, the budget is
 * spent or the space is exhausted; count coverage on the way.
 */
import { FifoChooser } from "../engine/chooser.js";
import type { Violation } from "../invariants/invariant.js";
import { dfsStrategy } from "./dfs.js";
import { dporStrategy } from "./dpor.js";
import { execute, type ExecutionTarget } from "./execution.js";
import { pctStrategy } from "./pct.js";
import { randomStrategy } from "./random.js";
import { StateSet, type PackedStates } from "./state-set.js";
import type { Share, Strategy, StrategyName, StrategyOptions } from "./strategy.js";
import { tasksOn } from "../scenario/initial-state.js";
import { interleavedWithPct } from "./interleaved.js";
import { FinalsBelow } from "./finals-below.js";
import { statefulStrategy, type StatefulStats } from "./stateful.js";
import { DporStates } from "./dpor-states.js";
import { renamingsOf } from "../scenario/symmetry.js";
import { makeStore, type StoreKind, type Visited } from "./visited.js";

export interface ExploreRequest {
  target: ExecutionTarget;
  strategy: StrategyName;
  budget: number;
  seed: number;
  depth: number;
  preemptions: number;
  /**
   * DPOR: at most this many preemptions per schedule (bounded partial-order reduction, bpor.ts); absent,
   * DPOR is unbounded. Separate from `preemptions`, whose default of 2 is DFS's.
   */
  dporPreemptions?: number;
  /** DPOR: random tie-breaks (seeded by `seed`), so that a search that will not finish samples the space. */
  dporOrder?: "first" | "random" | "pct";
  /** DPOR: false starts every execution over instead of resuming it from a snapshot (tests compare the two). */
  resume?: boolean;
  /** Called now and then with the figures so far (the CLI draws a progress bar from it). */
  onProgress?: (p: ExploreProgress) => void;
  /** This worker's share of the search (default: all of it). */
  share?: Share;
  /**
   * The smallest search index at which any worker has found a violation so far: this worker stops
   * before running schedules past it (they could not change the verdict or the counterexample).
   */
  stopAt?: () => number;
  /** Asked before each schedule with the number run so far: false stops the search there. */
  proceed?: (schedules: number) => boolean;
  /** Keep the fingerprints (to merge coverage across workers). */
  keepFingerprints?: boolean;
  /**
   * Stateful search, storing states this way: with dfs, stateful DFS (stateful.ts; `preemptions`
   * Infinity makes it unbounded); with dpor, stateful DPOR (dpor-states.ts: unbounded, hash or exact
   * store, no symmetry). `log2Bits`: bitstate's array size. `symmetry`: canonicalise states over the
   * scenario's symmetry groups (canonical.ts); with `finals` and groups declared, the final states
   * gathered are canonical whether or not the states are. `localSteps: false` offers every item at
   * every choice point, `carry: false` prunes stateful DPOR without carrying the state's races (tests
   * compare them).
   */
  stateful?: {
    store: StoreKind;
    log2Bits?: number;
    finals?: boolean;
    symmetry?: boolean;
    localSteps?: boolean;
    carry?: boolean;
  };
}

export interface ExploreProgress {
  schedules: number;
  events: number;
  found: number;
  /** Distinct states seen by this thread so far (a lower bound of the search's; absent when not known). */
  statesSeen?: number;
}

export interface Found {
  violation: Violation;
  /** The violating execution's complete picks. */
  picks: number[];
  /** Which schedule of the search it was (0-based, search-wide). */
  index: number;
}

export interface ExploreResult {
  strategy: StrategyName;
  schedules: number;
  events: number;
  /** For dfs/dpor: every schedule within the bounds was run (for dpor up to equivalence); null for the sampling strategies. */
  exhausted: boolean | null;
  /** DFS, and DPOR when bounded: the most preemptions a schedule could have (what `exhausted` is within). */
  preemptionBound?: number;
  distinctFinalStates: number;
  distinctStatesSeen: number;
  /** Present (true) when the set of states seen reached its limit: distinctStatesSeen is then a lower bound. */
  statesSeenCapped?: true;
  found: Found | null;
  /** With keepFingerprints: the final and seen state fingerprints. */
  fingerprints?: { finals: string[]; seen: PackedStates };
  /** A stateful search's figures, in SPIN's terms. */
  stateful?: StatefulReport;
}

export interface StatefulReport {
  store: StoreKind;
  statesStored: number;
  statesMatched: number;
  /** stored + matched: every scheduling choice point reached with a new suffix to run. */
  transitions: number;
  depthReached: number;
  /** Bytes of the state store. */
  storeBytes: number;
  /** Expected states wrongly taken for stored ones (0 for exact): a missed state loses its successors. */
  expectedMissed: number;
  /** Symmetry reduction, when used: the groups and the permutations each state is canonicalised over (identity included). */
  symmetry?: { groups: number; permutations: number };
  /** Bitstate: bits per stored state (SPIN's hash factor). */
  hashFactor?: number;
  /** Choice points where a local step of the core that ran last was the only pick (src/explore/local-steps.ts). */
  localSteps: number;
  /** Executions resumed from a snapshot (resume.ts), and started over because the programs' replay failed. */
  resumed: number;
  startedOver: number;
}

function statefulReport(store: Visited, stats: StatefulStats, symmetry: StatefulReport["symmetry"]): StatefulReport {
  const hf = (store as { hashFactor?: number }).hashFactor;
  return {
    store: store.kind,
    statesStored: stats.stored,
    statesMatched: stats.matched,
    transitions: stats.stored + stats.matched,
    depthReached: stats.depth,
    storeBytes: store.bytes,
    expectedMissed: store.expectedMissed,
    localSteps: stats.reduced,
    resumed: stats.resumed,
    startedOver: stats.startedOver,
    ...(hf !== undefined ? { hashFactor: hf } : {}),
    ...(symmetry ? { symmetry } : {}),
  };
}

export function makeStrategy(name: StrategyName, o: StrategyOptions): Strategy {
  switch (name) {
    case "random":
      return randomStrategy(o);
    case "pct":
      return pctStrategy(o);
    case "dfs":
      return dfsStrategy(o);
    case "dpor":
      return dporStrategy(o);
  }
}

/** PCT's k: the steps (carried-out items, not events) of the fifo schedule, a fair estimate. */
export function estimateSteps(t: ExecutionTarget): number {
  const counter = new (class extends FifoChooser {
    steps = 0;
    stepped(): void {
      this.steps++;
    }
  })();
  execute(t, counter);
  return counter.steps;
}

/** The preemption bound the search kept to: DFS always has one, DPOR only when asked. */
function boundOf(req: ExploreRequest): number | undefined {
  if (req.strategy === "dfs" && req.preemptions === Infinity) return undefined;
  return req.strategy === "dfs" ? req.preemptions : req.strategy === "dpor" ? req.dporPreemptions : undefined;
}

export function explore(req: ExploreRequest): ExploreResult {
  const steps = search(req);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same search, giving the event loop a turn every `every` schedules, so that a signal handler
 * or a timer of the caller (the CLI's Ctrl-C, which then makes `proceed` say false) can run. The
 * schedules run and the result are exactly those of `explore`.
 */
export async function exploreYielding(req: ExploreRequest, every = 16): Promise<ExploreResult> {
  const steps = search(req);
  for (let n = 1; ; n++) {
    const r = steps.next();
    if (r.done) return r.value;
    if (n % every === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The search loop, pausing (yield) after each schedule. */
function* search(req: ExploreRequest): Generator<void, ExploreResult, void> {
  const t = req.target;
  // Only PCT needs k (an extra execution: DFS on workers runs explore once per subtree).
  const steps = req.strategy === "pct" || req.dporOrder === "pct" ? estimateSteps(t) : 0;
  const options: StrategyOptions = {
    seed: req.seed,
    depth: req.depth,
    preemptions: req.preemptions,
    ...(req.dporPreemptions !== undefined ? { dporPreemptions: req.dporPreemptions } : {}),
    ...(req.dporOrder !== undefined ? { dporOrder: req.dporOrder } : {}),
    ...(req.resume === false ? { resume: false } : {}),
    specRate: t.scenario.machine.speculation.rate,
    steps,
    share: req.share ?? { index: 0, of: 1 },
    tasksOn: (core) => tasksOn(t.scenario, core),
  };
  // The armv8 view machine is not part of a stored state (program-trace.ts, canTrace): no prune would be sound.
  if (req.stateful && t.scenario.machine.memoryModel === "armv8")
    throw new Error("stateful search needs the sc memory model: armv8's store buffers and views are not part of a stored state");
  const store = req.stateful ? makeStore(req.stateful.store, req.stateful.log2Bits) : null;
  const stats: StatefulStats = { stored: 0, matched: 0, depth: 0, reduced: 0, resumed: 0, startedOver: 0 };
  const below = req.stateful?.finals ? new FinalsBelow() : undefined;
  const groups = t.scenario.symmetry ?? [];
  const symmetry =
    req.stateful && groups.length > 0 && (req.stateful.symmetry || below)
      ? { renamings: renamingsOf(t.scenario, groups), reduce: req.stateful.symmetry === true }
      : undefined;
  const strategy =
    store && req.strategy === "dpor"
      ? dporStrategy(options, new DporStates(store, stats, req.stateful?.carry !== false))
      : store
        ? statefulStrategy(options, store, stats, t.scenario.machine.cores, below, symmetry, {
            localSteps: req.stateful?.localSteps !== false,
            speculativeWalks: t.scenario.machine.speculation.enabled,
          })
        : req.strategy === "dpor" && req.dporOrder === "pct"
          ? interleavedWithPct(makeStrategy("dpor", options), makeStrategy("pct", options))
          : makeStrategy(req.strategy, options);
  const finals = new Set<string>();
  const seen = new StateSet();
  let schedules = 0;
  let events = 0;
  let exhausted = false;
  let found: Found | null = null;
  while (schedules < req.budget) {
    const chooser = strategy.next();
    if (!chooser) {
      exhausted = true;
      break;
    }
    if (req.stopAt && strategy.lastIndex > req.stopAt()) break;
    if (req.proceed && !req.proceed(schedules)) break;
    const hooks = strategy.observe ? { statesSeen: seen, onEvent: strategy.observe } : { statesSeen: seen };
    const exec = strategy.execute ? strategy.execute(t, chooser, hooks) : execute(t, chooser, hooks);
    strategy.done(exec);
    schedules++;
    events += exec.events;
    // (With symmetry the finals are canonical, gathered by the strategy: `below`.)
    if (!exec.abandoned && !(symmetry && below)) finals.add(exec.finalHash);
    if (exec.violation) {
      found = { violation: exec.violation, picks: exec.picks, index: strategy.lastIndex };
      break;
    }
    if (req.onProgress && (schedules & 255) === 0) req.onProgress({ schedules, events, found: 0, statesSeen: seen.size });
    yield;
  }
  // A budget that ends exactly where the space does: one more `next` tells whether anything was left.
  if (!found && !exhausted && strategy.exhaustive && schedules >= req.budget && strategy.next() === null) exhausted = true;
  req.onProgress?.({ schedules, events, found: found ? 1 : 0, statesSeen: seen.size });
  // Stateful search with finals gathered: those below pruned states too.
  if (below) for (const f of below.all) finals.add(f);
  return {
    strategy: req.strategy,
    schedules,
    events,
    exhausted: strategy.exhaustive ? exhausted : null,
    ...(boundOf(req) !== undefined ? { preemptionBound: boundOf(req)! } : {}),
    distinctFinalStates: finals.size,
    distinctStatesSeen: seen.size,
    ...(seen.capped ? { statesSeenCapped: true as const } : {}),
    found,
    ...(req.keepFingerprints ? { fingerprints: { finals: [...finals], seen: seen.packed() } } : {}),
    ...(store
      ? {
          stateful: statefulReport(
            store,
            stats,
            symmetry?.reduce ? { groups: groups.length, permutations: symmetry.renamings.length + 1 } : undefined,
          ),
        }
      : {}),
  };
}
