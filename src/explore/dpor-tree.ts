/**
 * DPOR's tree of choice points (dpor.ts): the path's nodes and the steps of an execution, and what is
 * done with them after each execution: backtrack points at races (and BPOR's conservative ones),
 * speculative walks as candidates, and the choice of the next branch to explore.
 */
import { Prng } from "../engine/prng.js";
import { decodeKey } from "../engine/chooser.js";
import { preempts } from "./dfs.js";
import type { Footprint, Objects } from "./footprint.js";
import { lastSwitchBefore } from "./bpor.js";
import { forEachRace } from "./races.js";

export interface Node {
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

export interface Step {
  key: number;
  fp: Footprint;
  /** Its vector clock, once the race analysis has seen it (races.ts). */
  clock?: Uint32Array;
  /** The node whose choice started this step, or -1 when it was the only ready item. */
  node: number;
  /** The deepest path node before the step (data choices included; -1: none): the subtree it ran in. */
  under: number;
  /** Whether the step's key was ready again right after it (known at the next step; unknown counts as ready). */
  readyAfter?: boolean;
}

/**
 * Speculative walks are optional: a run ends without them, so no race with a walk that never ran can
 * show up. A walk's effect depends only on its core's registers and TLB and the page tables, so
 * between two changes of those, one walk per core and VA stands for all: the first choice point of
 * every such interval that offers a walk gets it as a backtrack candidate. With a bound, so does the
 * first one where taking the walk is no preemption (the first may be over the bound where that is not).
 */
export function addSpeculativeWalks(path: Node[], steps: readonly Step[], objects: Objects, bounded: boolean): void {
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
export function addBacktrackPoints(path: Node[], steps: readonly Step[], bounded: boolean, from: number): void {
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
export function addPoint(node: Node | undefined, key: number): void {
  if (!node?.keys) return;
  if (node.keys.includes(key)) node.backtrack.add(key);
  else for (const k of node.keys) node.backtrack.add(k);
}

/**
 * The deepest node with something left to explore gets it; deeper nodes go. False when done. With
 * `prng` (--order random), a random one of the candidates left there rather than the first added:
 * which candidate of a backtrack set is explored first does not change what the set covers.
 */
export function nextBranch(path: Node[], bound: number, prng: Prng | null, popped?: (depth: number) => void): boolean {
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
    popped?.(path.length);
  }
  return false;
}
