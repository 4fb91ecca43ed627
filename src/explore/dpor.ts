/**
 * Dynamic partial-order reduction (Flanagan and Godefroid, POPL 2005) with sleep sets (Godefroid
 * 1996; as combined in Abdulla et al., POPL 2014): stateless DFS over the run's choices that only
 * branches where two dependent steps of different threads could have gone the other way. After each
 * execution, every step j is checked against the last earlier step i of another thread that it
 * conflicts with and does not already happen after; the thread of j (or, if it was not ready then,
 * every ready thread) is added to the backtrack set of the choice point before i. Sleep sets skip a
 * thread already explored from an equivalent state until a dependent step wakes it. Two schedules
 * that differ only in the order of independent steps are explored once.
 *
 * Threads are the engine's ready-item keys (cores, each bus message, speculative walks). Program
 * and replacement choices are data choices: all their alternatives are explored.
 *
 * With a preemption bound (`dporPreemptions`) this is bounded partial-order reduction (bpor.ts): picks
 * over the bound are not explored, every race also gets a conservative backtrack point, and a sibling
 * explored before goes to sleep only where no equivalent schedule it stands for needs more preemptions
 * (`sleepsWithinBound`).
 *
 * Executions resume from a snapshot at the deepest choice point they share with the previous one
 * (resume.ts, as stateful search does): the steps before it, their footprints included, are the
 * previous execution's, so a schedule costs its new suffix, not its whole length. The picks, and so
 * the schedules explored and their order, are the same as when every execution starts over.
 */
import { Prng } from "../engine/prng.js";
import type { ChoiceKind, StepOption } from "../engine/chooser.js";
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import { defaultPick, preempts } from "./dfs.js";
import { addEvent, dependent, emptyFootprint, Objects, type Footprint } from "./footprint.js";
import { Abandon, execute } from "./execution.js";
import { firstUnbounded, sleepsWithinBound } from "./bpor.js";
import type { Strategy, StrategyOptions } from "./strategy.js";
import { ProgramTrace, traceStep } from "./program-trace.js";
import { restartAtLoopHeads } from "./loop-heads.js";
import type { DporStates } from "./dpor-states.js";
import { DporSummaries, type Summary } from "./dpor-summaries.js";
import { Resumer, type ResumableChooser } from "./resume.js";
import type { Engine, System } from "../engine/engine.js";
import { addBacktrackPoints, addSpeculativeWalks, nextBranch, type Node, type Step } from "./dpor-tree.js";

/** What a snapshot keeps of the chooser: the steps before it (the previous execution's) and the bookkeeping. */
interface DporMark {
  /** Stateful: the program traces, which the state's key includes. */
  trace?: ReturnType<ProgramTrace["save"]> | undefined;
  steps: readonly Step[];
  count: number;
  prevKey: number;
  preemptions: number;
}

class DporChooser implements ResumableChooser<DporMark> {
  depth = 0;
  steps: Step[] = [];
  private sleep = new Map<number, Footprint>();
  private pendingNode = -1;
  private prevKey = -1_000_000;
  private preemptions = 0;
  /** The schedule would have gone past the bound in bounded search's unbounded first attempt (`tripwire`). */
  tripped = false;

  /**
   * `bounded`: a preemption bound is set, so only some siblings sleep (bpor.ts). `prng`: random
   * tie-breaks (--order random) for the first pick at a new choice point where no pick is preferred.
   */
  constructor(
    private readonly path: Node[],
    private readonly objects: Objects,
    private readonly bounded: boolean,
    private readonly prng: Prng | null = null,
    private readonly limit = Infinity,
    private readonly tripwire = false,
    /** Stateful DPOR (dpor-states.ts): states looked up at new choice points; no sleep sets. */
    private readonly states: DporStates | null = null,
  ) {}

  /** The summary of the explored state this execution was pruned at (stateful). */
  prunedWith: Summary | null = null;

  /** The program trace records what programs read, for the resumer's log, and for stateful DPOR the state's key. */
  trace!: ProgramTrace;
  private resumer: Resumer<DporMark> | null = null;
  useResumer(resumer: Resumer<DporMark>, cores: number): void {
    this.resumer = resumer;
    this.trace = new ProgramTrace(cores);
  }
  private state: MachineState | null = null;
  readonly programView = (state: MachineState): MachineState => {
    this.state = state;
    return this.resumer ? this.trace.view(state) : state;
  };
  private engine: Engine | null = null;
  private system: System | null = null;
  attach(engine: Engine, system: System): void {
    this.engine = engine;
    this.system = system;
  }
  /** Steps taken over from an earlier execution (resumed from a snapshot): their races are known. */
  reused = 0;
  resumeAt(depth: number, m: DporMark): void {
    if (m.trace) this.trace.restore(m.trace);
    this.depth = depth;
    this.steps = m.steps.slice(0, m.count);
    this.reused = m.count;
    this.settled = m.count;
    this.prevKey = m.prevKey;
    this.preemptions = m.preemptions;
  }
  resumed(core: number, value: number): void {
    if (this.states) this.trace.resumed(core, value);
    this.resumer?.log.resumed(core, value);
  }

  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number {
    if (kind === "step") this.noteReady((k) => options.some((o, i) => i < of && o.key === k));
    this.settle();
    if (this.states) this.lookUp(kind);
    let n = this.path[this.depth];
    if (!n) {
      const keys = kind === "step" ? options.slice(0, of).map((o) => o.key) : null;
      let pick = defaultPick(keys, this.prevKey);
      // Random order: any awake thread, unless a bound makes continuing the last one the free pick.
      if (keys && this.prng && !(this.bounded && keys.includes(this.prevKey))) {
        const awake = keys.filter((k) => !this.sleep.has(k));
        if (awake.length > 0) pick = keys.indexOf(awake[this.prng.below(awake.length)]!);
      } else if (!keys && this.prng) pick = this.prng.below(of);
      if (keys && this.sleep.has(keys[pick]!)) {
        const awake = keys.findIndex((k) => !this.sleep.has(k));
        // Every ready thread asleep: whatever comes next was explored from an equivalent state.
        if (awake < 0) throw new Abandon();
        pick = awake;
      }
      const first = keys ? keys[pick]! : pick;
      // The state before this pick, to resume the executions that pick otherwise here.
      if (keys && this.resumer)
        this.resumer.take(this.path.length, this.state!, {
          trace: this.states ? this.trace.save() : undefined,
          steps: this.steps,
          count: this.steps.length,
          prevKey: this.prevKey,
          preemptions: this.preemptions,
        });
      n = {
        keys,
        of,
        chosen: pick,
        backtrack: new Set([first]),
        done: new Set([first]),
        sleep: new Map(this.sleep),
        doneFp: new Map(),
        doneReady: new Map(),
        prevKey: this.prevKey,
        preBefore: this.preemptions,
      };
      if (!keys) for (let i = 0; i < of; i++) n.backtrack.add(i);
      this.path.push(n);
    } else if (n.keys) {
      // Replaying the path: siblings explored before from this node sleep in the branch below it.
      this.sleep = new Map(n.sleep);
      const chosen = n.keys[n.chosen]!;
      for (const [k, fp] of n.doneFp) {
        if (k === chosen || this.states) continue;
        if (!this.bounded || sleepsWithinBound(n.keys, n.prevKey, k, chosen, n.doneReady.get(k) ?? true)) this.sleep.set(k, fp);
      }
    }
    // Over the bound: the unbounded first attempt trips; bounded DPOR gets here only when the key that
    // ran last is asleep and any other is one preemption too many, so nothing within the bound is left.
    if (preempts(n.keys, this.prevKey, n.chosen) && ++this.preemptions > this.limit) {
      this.tripped = this.tripwire;
      throw new Abandon();
    }
    if (!n.keys) this.sleep.clear(); // after a data choice nothing is known to be equivalent
    if (kind === "step") this.pendingNode = this.depth;
    this.depth++;
    return n.chosen;
  }

  stepped(key: number): void {
    // No choice since the last step: `key` was the only ready item.
    this.noteReady((k) => k === key);
    this.settle();
    this.steps.push({ key, fp: emptyFootprint(), node: this.pendingNode, under: this.depth - 1 });
    this.pendingNode = -1;
    this.prevKey = key;
    if (this.states) traceStep(this.trace, key, this.state!);
  }

  observe(ev: SimEvent, state: MachineState): void {
    const step = this.steps.at(-1);
    if (!step) return;
    addEvent(step.fp, ev, state, this.objects);
  }

  private settled = 0;

  /** Stateful: at a scheduling choice point past the path's known part, the state is looked up (pruned when explored). */
  private lookUp(kind: ChoiceKind): void {
    this.trace.current = -1;
    if (kind !== "step") return;
    restartAtLoopHeads(this.trace, this.engine, this.system, (c, system) => this.resumer!.point(c, system));
    if (this.depth < this.path.length) return;
    const summary = this.states!.visit(this.path.length, this.state!, this.trace);
    if (summary === null) return;
    this.prunedWith = summary;
    throw PRUNED;
  }

  /** The last step's key ready again? Told once, at the first choice or step after it. */
  private noteReady(ready: (key: number) => boolean): void {
    const step = this.steps.at(-1);
    if (step && step.readyAfter === undefined) step.readyAfter = ready(step.key);
  }

  /** Once a step is complete: record its footprint at its node and wake the sleepers it depends on. */
  settle(): void {
    if (this.settled === this.steps.length) return;
    this.settled = this.steps.length;
    const step = this.steps.at(-1)!;
    if (step.node >= 0) {
      const n = this.path[step.node]!;
      if (n.keys && !n.doneFp.has(step.key)) {
        n.doneFp.set(step.key, step.fp);
        n.doneReady.set(step.key, step.readyAfter ?? true);
      }
    }
    for (const [k, fp] of this.sleep) if (dependent(fp, step.fp)) this.sleep.delete(k);
  }
}

/** Thrown at a prune: one instance (an Error's stack trace at each prune costs). */
const PRUNED = new Abandon();

/** Path nodes between DPOR's snapshots (resume.ts): measured on asid-small-arm64 and tlb-shootdown-munmap. */
const SNAPSHOT_EVERY = 8;

/** `states`: stateful DPOR (dpor-states.ts, dpor-summaries.ts), unbounded only. */
export function dporStrategy(o: StrategyOptions, states: DporStates | null = null): Strategy {
  if (states && o.dporPreemptions !== undefined) throw new Error("stateful DPOR has no preemption bound");
  const path: Node[] = [];
  const objects = new Objects(o.tasksOn);
  let current: DporChooser | null = null;
  let started = false;
  // Unbounded unless asked (Infinity: no pick is ever over it, and no conservative points are added).
  const limit = o.dporPreemptions ?? Infinity;
  // With a bound, first unbounded DPOR with a tripwire at the bound (bpor.ts, `firstUnbounded`).
  let bound = firstUnbounded(limit) ? Infinity : limit;
  const prng = o.dporOrder === "random" ? new Prng(o.seed) : null;
  let resumer: Resumer<DporMark> | null = null;
  const counts = states?.stats ?? { resumed: 0, startedOver: 0 };
  /** The path node whose pick the next execution changes (-1: the first execution). */
  let from = -1;
  return {
    name: "dpor",
    exhaustive: true,
    lastIndex: -1,
    next() {
      if (started && !nextBranch(path, bound, prng, states ? (d) => states.summaries.popped(d) : undefined)) return null;
      started = true;
      from = path.length - 1;
      this.lastIndex++;
      current = new DporChooser(path, objects, bound !== Infinity, prng, limit, bound !== limit, states);
      return current;
    },
    execute(t, chooser, hooks) {
      if (o.resume === false && !states) return execute(t, chooser, hooks);
      resumer ??= new Resumer(t.scenario.machine.cores, counts, SNAPSHOT_EVERY);
      current!.useResumer(resumer, t.scenario.machine.cores);
      return resumer.run(t, current!, hooks, from);
    },
    observe: (ev, state) => current?.observe(ev, state),
    done() {
      if (!current) return;
      if (current.tripped) {
        // A schedule needs more preemptions than the bound allows: start over as bounded DPOR.
        path.length = 0;
        started = false;
        bound = limit;
        return;
      }
      current.settle();
      addBacktrackPoints(path, current.steps, bound !== Infinity, current.reused);
      addSpeculativeWalks(path, current.steps, objects, bound !== Infinity);
      if (states) summarise(states, path, current);
    },
  };
}

/** Stateful: the execution's new steps go into the summaries of the nodes above them; a prune carries its state's summary. */
function summarise(states: DporStates, path: Node[], c: DporChooser): void {
  for (let j = c.reused; j < c.steps.length; j++) states.summaries.addStep(c.steps[j]!.under, c.steps[j]!);
  if (!c.prunedWith) return;
  states.summaries.addBelow(path.length - 1, c.prunedWith);
  if (states.carry) DporSummaries.carry(path, c.steps, c.prunedWith);
}
