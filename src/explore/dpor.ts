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
 */
import { Prng } from "../engine/prng.js";
import { decodeKey, type ChoiceKind, type Chooser, type StepOption } from "../engine/chooser.js";
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import { defaultPick, preempts } from "./dfs.js";
import { addEvent, dependent, emptyFootprint, Objects, type Footprint } from "./footprint.js";
import { Abandon } from "./execution.js";
import { firstUnbounded, lastSwitchBefore, sleepsWithinBound } from "./bpor.js";
import { forEachRace } from "./races.js";
import type { Strategy, StrategyOptions } from "./strategy.js";

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
  /** Footprint of the step each explored key took from here. */
  doneFp: Map<number, Footprint>;
  /** Whether each explored key was still ready after its step from here (bounded sleep sets need it). */
  doneReady: Map<number, boolean>;
  /** The key that ran just before this choice point, and the preemptions on the path before it. */
  prevKey: number;
  preBefore: number;
}

interface Step {
  key: number;
  fp: Footprint;
  /** The node whose choice started this step, or -1 when it was the only ready item. */
  node: number;
  /** Whether the step's key was ready again right after it (known at the next step; unknown counts as ready). */
  readyAfter?: boolean;
}

class DporChooser implements Chooser {
  depth = 0;
  readonly steps: Step[] = [];
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
  ) {}

  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number {
    if (kind === "step") this.noteReady((k) => options.some((o, i) => i < of && o.key === k));
    this.settle();
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
        if (k === chosen) continue;
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
function addBacktrackPoints(path: Node[], steps: readonly Step[], bounded: boolean): void {
  forEachRace(steps, (i, j) => {
    const key = steps[j]!.key;
    addPoint(path[steps[i]!.node], key);
    if (!bounded) return;
    const b = lastSwitchBefore(steps, i);
    if (b >= 0) addPoint(path[steps[b]!.node], key);
  });
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

export function dporStrategy(o: StrategyOptions): Strategy {
  const path: Node[] = [];
  const objects = new Objects(o.tasksOn);
  let current: DporChooser | null = null;
  let started = false;
  // Unbounded unless asked (Infinity: no pick is ever over it, and no conservative points are added).
  const limit = o.dporPreemptions ?? Infinity;
  // With a bound, first unbounded DPOR with a tripwire at the bound (bpor.ts, `firstUnbounded`).
  let bound = firstUnbounded(limit) ? Infinity : limit;
  const prng = o.dporOrder === "random" ? new Prng(o.seed) : null;
  return {
    name: "dpor",
    exhaustive: true,
    lastIndex: -1,
    next() {
      if (started && !nextBranch(path, bound, prng)) return null;
      started = true;
      this.lastIndex++;
      current = new DporChooser(path, objects, bound !== Infinity, prng, limit, bound !== limit);
      return current;
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
      addBacktrackPoints(path, current.steps, bound !== Infinity);
      addSpeculativeWalks(path, current.steps, objects, bound !== Infinity);
    },
  };
}
