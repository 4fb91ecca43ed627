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
 * over the bound are not explored, every race also gets a conservative backtrack point, and sleep sets
 * are off.
 *
 * Executions resume from a snapshot at the deepest choice point they share with the previous one
 * (resume.ts, as stateful search does): the steps before it, their footprints included, are the
 * previous execution's, so a schedule costs its new suffix, not its whole length. The picks, and so
 * the schedules explored and their order, are the same as when every execution starts over.
 */
import { Prng } from "../engine/prng.js";
import { decodeKey, type ChoiceKind, type StepOption } from "../engine/chooser.js";
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import { defaultPick, preempts } from "./dfs.js";
import { addEvent, dependent, emptyFootprint, Objects, type Footprint } from "./footprint.js";
import { Abandon, execute } from "./execution.js";
import { lastSwitchBefore } from "./bpor.js";
import { forEachRace } from "./races.js";
import type { Strategy, StrategyOptions } from "./strategy.js";
import { ProgramTrace } from "./program-trace.js";
import { Resumer, type ResumableChooser } from "./resume.js";
import type { Engine, System } from "../engine/engine.js";

interface Node {
  /** Step choices have keys; data choices (program, victim) have none. */
  keys: number[] | null;
  of: number;
  chosen: number;
  /** Step nodes: keys to explore; data nodes: indices. */
  backtrack: Set<number>;
  done: Set<number>;
  /** Threads asleep here, with the footprint of the step they would take. */
  sleep: Map<number, Footprint>;
  /** Footprint of the step each explored key took from here (none with a bound: no sleep sets). */
  doneFp: Map<number, Footprint>;
  /** The key that ran just before this choice point, and the preemptions on the path before it. */
  prevKey: number;
  preBefore: number;
}

interface Step {
  key: number;
  fp: Footprint;
  /** Its vector clock, once the race analysis has seen it (races.ts). */
  clock?: Uint32Array;
  /** The node whose choice started this step, or -1 when it was the only ready item. */
  node: number;
}

/** What a snapshot keeps of the chooser: the steps before it (the previous execution's) and the bookkeeping. */
interface DporMark {
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

  /**
   * `sleepSets`: off with a preemption bound, where they are unsound (bpor.ts). `prng`: random
   * tie-breaks (--order random) for the first pick at a new choice point where no pick is preferred.
   */
  constructor(
    private readonly path: Node[],
    private readonly objects: Objects,
    private readonly sleepSets: boolean,
    private readonly prng: Prng | null = null,
  ) {}

  /** The program trace only records what programs read, for the resumer's log (DPOR hashes no state). */
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
  attach(_engine: Engine, _system: System): void {}
  /** Steps taken over from an earlier execution (resumed from a snapshot): their races are known. */
  reused = 0;
  resumeAt(depth: number, m: DporMark): void {
    this.depth = depth;
    this.steps = m.steps.slice(0, m.count);
    this.reused = m.count;
    this.settled = m.count;
    this.prevKey = m.prevKey;
    this.preemptions = m.preemptions;
  }
  resumed(core: number, value: number): void {
    this.resumer?.log.resumed(core, value);
  }

  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number {
    this.settle();
    let n = this.path[this.depth];
    if (!n) {
      const keys = kind === "step" ? options.slice(0, of).map((o) => o.key) : null;
      let pick = defaultPick(keys, this.prevKey);
      // Random order: any awake thread, unless a bound makes continuing the last one the free pick.
      if (keys && this.prng && !(!this.sleepSets && keys.includes(this.prevKey))) {
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
        prevKey: this.prevKey,
        preBefore: this.preemptions,
      };
      if (!keys) for (let i = 0; i < of; i++) n.backtrack.add(i);
      this.path.push(n);
    } else if (n.keys) {
      // Replaying the path: siblings explored before from this node sleep in the branch below it.
      this.sleep = new Map(n.sleep);
      for (const [k, fp] of n.doneFp) if (k !== n.keys[n.chosen]) this.sleep.set(k, fp);
    }
    if (preempts(n.keys, this.prevKey, n.chosen)) this.preemptions++;
    if (!n.keys) this.sleep.clear(); // after a data choice nothing is known to be equivalent
    if (kind === "step") this.pendingNode = this.depth;
    this.depth++;
    return n.chosen;
  }

  stepped(key: number): void {
    this.settle();
    this.steps.push({ key, fp: emptyFootprint(), node: this.pendingNode });
    this.pendingNode = -1;
    this.prevKey = key;
  }

  observe(ev: SimEvent, state: MachineState): void {
    const step = this.steps.at(-1);
    if (!step) return;
    addEvent(step.fp, ev, state, this.objects);
  }

  private settled = 0;

  /** Once a step is complete: record its footprint at its node and wake the sleepers it depends on. */
  settle(): void {
    if (this.settled === this.steps.length) return;
    this.settled = this.steps.length;
    const step = this.steps.at(-1)!;
    if (step.node >= 0) {
      const n = this.path[step.node]!;
      if (this.sleepSets && n.keys && !n.doneFp.has(step.key)) n.doneFp.set(step.key, step.fp);
    }
    for (const [k, fp] of this.sleep) if (dependent(fp, step.fp)) this.sleep.delete(k);
  }
}

/**
 * Speculative walks are optional: a run ends without them, so no race with a walk that never ran can
 * show up. A walk's effect depends only on its core's registers and TLB and the page tables, so
 * between two changes of those, one walk per core and VA stands for all: the first choice point of
 * every such interval that offers a walk gets it as a backtrack candidate. With a bound, so does the
 * first one where taking the walk is no preemption (the first may be over the bound where that is not).
 */
function addSpeculativeWalks(path: Node[], steps: readonly Step[], objects: Objects, bounded: boolean): void {
  const lastChange = new Map<number, number>();
  let lastTables = -1;
  const marked = new Map<number, number>();
  const markedFree = new Map<number, number>();
  for (let j = 0; j < steps.length; j++) {
    const s = steps[j]!;
    const node = s.node >= 0 ? path[s.node] : undefined;
    if (node?.keys) {
      for (const key of node.keys) {
        const item = decodeKey(key);
        if (item.k !== "spec") continue;
        const core = item.c;
        const interval = Math.max(lastChange.get(core) ?? -1, lastTables);
        if (bounded && markedFree.get(key) !== interval && !preempts(node.keys, node.prevKey, node.keys.indexOf(key))) {
          markedFree.set(key, interval);
          node.backtrack.add(key);
        }
        if (marked.get(key) === interval) continue;
        marked.set(key, interval);
        node.backtrack.add(key);
      }
    }
    for (const w of s.fp.writes) {
      const c = objects.walkCore[w]!;
      if (c === -2) lastTables = j;
      else if (c >= 0) lastChange.set(c, j);
    }
  }
}

/**
 * DPOR's backtrack points: the thread of each racing step (or, if it was not ready there, every ready
 * thread) at the choice point before the step it races with. With a bound, BPOR's conservative point
 * too: the same thread at the last context switch before that step (bpor.ts).
 */
function addBacktrackPoints(path: Node[], steps: readonly Step[], bounded: boolean, from: number): void {
  forEachRace(
    steps,
    (i, j) => {
      const key = steps[j]!.key;
      addPoint(path[steps[i]!.node], key);
      if (!bounded) return;
      const b = lastSwitchBefore(steps, i);
      if (b >= 0) addPoint(path[steps[b]!.node], key);
    },
    from,
  );
}

/** `key` to the node's backtrack set, or, if it was not ready there, every ready key (a forced step has no node). */
function addPoint(node: Node | undefined, key: number): void {
  if (!node?.keys) return;
  if (node.keys.includes(key)) node.backtrack.add(key);
  else for (const k of node.keys) node.backtrack.add(k);
}

/**
 * The deepest node with something left to explore gets it; deeper nodes go. False when done. With
 * `prng` (--order random), a random one of the candidates left there rather than the first added:
 * which candidate of a backtrack set is explored first does not change what the set covers.
 */
function nextBranch(path: Node[], bound: number, prng: Prng | null): boolean {
  while (path.length > 0) {
    const n = path.at(-1)!;
    const left: number[] = [];
    for (const b of n.backtrack) {
      if (n.done.has(b)) continue;
      if (n.keys) {
        if (n.sleep.has(b)) continue;
        const i = n.keys.indexOf(b);
        if (i < 0) continue;
        if (n.preBefore + (preempts(n.keys, n.prevKey, i) ? 1 : 0) > bound) continue;
      }
      left.push(b);
      if (!prng) break;
    }
    if (left.length > 0) {
      const b = prng ? left[prng.below(left.length)]! : left[0]!;
      n.chosen = n.keys ? n.keys.indexOf(b) : b;
      n.done.add(b);
      return true;
    }
    path.pop();
  }
  return false;
}

/** Path nodes between DPOR's snapshots (resume.ts): measured on asid-small-arm64 and tlb-shootdown-munmap. */
const SNAPSHOT_EVERY = 8;

export function dporStrategy(o: StrategyOptions): Strategy {
  const path: Node[] = [];
  const objects = new Objects(o.tasksOn);
  let current: DporChooser | null = null;
  let started = false;
  // Unbounded unless asked (Infinity: no pick is ever over it, and no conservative points are added).
  const bound = o.dporPreemptions ?? Infinity;
  const prng = o.dporOrder === "random" ? new Prng(o.seed) : null;
  let resumer: Resumer<DporMark> | null = null;
  const counts = { resumed: 0, startedOver: 0 };
  /** The path node whose pick the next execution changes (-1: the first execution). */
  let from = -1;
  return {
    name: "dpor",
    exhaustive: true,
    lastIndex: -1,
    next() {
      if (started && !nextBranch(path, bound, prng)) return null;
      started = true;
      from = path.length - 1;
      this.lastIndex++;
      current = new DporChooser(path, objects, bound === Infinity, prng);
      return current;
    },
    execute(t, chooser, hooks) {
      if (o.resume === false) return execute(t, chooser, hooks);
      resumer ??= new Resumer(t.scenario.machine.cores, counts, SNAPSHOT_EVERY);
      current!.useResumer(resumer, t.scenario.machine.cores);
      return resumer.run(t, current!, hooks, from);
    },
    observe: (ev, state) => current?.observe(ev, state),
    done() {
      if (!current) return;
      current.settle();
      addBacktrackPoints(path, current.steps, bound !== Infinity, current.reused);
      addSpeculativeWalks(path, current.steps, objects, bound !== Infinity);
    },
  };
}
