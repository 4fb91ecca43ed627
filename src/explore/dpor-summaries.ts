/**
 * Stateful DPOR's summaries (Yang, Chen, Gopalakrishnan and Kirby, "Efficient stateful dynamic
 * partial order reduction", SPIN 2008, doi:10.1007/978-3-540-85114-1_20): what a prune at a stored
 * state must carry to the current path.
 *
 * Stateless DPOR finds its backtrack points from races between the steps of each execution it runs
 * (races.ts). A stateful search that stops an execution where it reaches a state explored before
 * never runs that state's continuations after the new prefix, so the races between them and the
 * prefix are never seen, and a plain prune can lose schedules (Yang et al. show it; `carry: false`
 * in the explore request is that plain prune, for measuring what carrying costs). Here every stored state gets, when its
 * subtree is done, a summary of every step run below it, its own prunes' summaries included: per
 * thread (a core, a speculative walk or flush of a core; every bus message is one class, since
 * message ids differ between executions), the objects such a step read and wrote. At a prune, each
 * summarised thread is treated as if its steps could come next, as stateless DPOR would treat them
 * had it run the continuation: every step of the prefix by another thread that conflicts with them
 * gets a backtrack point (that thread where it is ready there, every ready item where not; every
 * ready item for the message class). Two things are coarser than Yang et al.'s visible-operation
 * graph, and both only add points: a summary is a union over the subtree, and happens-before is
 * only known up to the thread's last step of the prefix (a prefix step that happens before it
 * happens before all its later steps; a chain through the continuation is not known, so every
 * conflicting step, not only the last, gets its point).
 *
 * Why that is enough: the state graph is acyclic (program traces are histories between loop heads,
 * and script positions only advance: local-steps.ts, C3), so a stored state reached again is never
 * on the current path and its subtree is done; that subtree is the one stateless DPOR runs from that
 * state (its races among its own steps do not depend on how the state was reached); and the races
 * the continuations have with the new prefix are, for each continuation step j, with the last prefix
 * step dependent on j that does not happen before it, which is among the steps given a point above.
 * Sleep sets are off (a sleeping thread's subtree is not explored below the state, which a later
 * visit without it would need).
 */
import { MSG_KEY_BASE } from "../engine/chooser.js";
import { addPoint, type Node, type Step } from "./dpor-tree.js";
import type { Footprint } from "./footprint.js";

/** Per thread class (a key below MSG_KEY_BASE, or MSG_KEY_BASE for every message): objects read and written below a state. */
export type Summary = Map<number, { r: Set<number>; w: Set<number> }>;

const newSummary = (): Summary => new Map();
const classOf = (key: number): number => (key >= MSG_KEY_BASE ? MSG_KEY_BASE : key);
const has = (c: Uint32Array | undefined, i: number): boolean => c !== undefined && (c[i >> 5]! & (1 << (i & 31))) !== 0;

function addTo(s: Summary, cls: number, reads: Iterable<number>, writes: Iterable<number>): void {
  let e = s.get(cls);
  if (!e) s.set(cls, (e = { r: new Set(), w: new Set() }));
  for (const o of reads) e.r.add(o);
  for (const o of writes) e.w.add(o);
}

function conflicts(fp: Footprint, e: { r: Set<number>; w: Set<number> }): boolean {
  for (const o of fp.writes) if (e.r.has(o) || e.w.has(o)) return true;
  for (const o of fp.reads) if (e.w.has(o)) return true;
  return false;
}

export class DporSummaries {
  /** Summaries of the states whose subtrees are done, by state key (hash or exact encoding). */
  private readonly done = new Map<string, Summary>();
  /** Per path node: the summary so far of what ran below it, and the key of its stored state. */
  private readonly acc: (Summary | undefined)[] = [];
  readonly stateAt: (string | null)[] = [];

  /** The summary of an explored state, or undefined (not stored, or its subtree not done). */
  get(key: string): Summary | undefined {
    return this.done.get(key);
  }

  /** A step that ran below path node `d`. */
  addStep(d: number, step: Step): void {
    if (d < 0) return;
    const s = (this.acc[d] ??= newSummary());
    addTo(s, classOf(step.key), step.fp.reads, step.fp.writes);
  }

  /** What lies below a stored state this execution was pruned at, which is below path node `d`. */
  addBelow(d: number, summary: Summary): void {
    if (d < 0) return;
    const s = (this.acc[d] ??= newSummary());
    for (const [cls, e] of summary) addTo(s, cls, e.r, e.w);
  }

  /** Equal summaries, shared: most states near the leaves have the same few (a Map of Sets each would be most of the memory). */
  private readonly interned = new Map<string, Summary>();

  /** Node `d`'s subtree is done: its summary is its state's, and part of its parent's. */
  popped(d: number): void {
    const s = this.acc[d] ?? newSummary();
    const key = this.stateAt[d];
    if (key) this.done.set(key, this.intern(s));
    if (d > 0) this.addBelow(d - 1, s);
    this.acc[d] = undefined;
    this.stateAt[d] = null;
  }

  private intern(s: Summary): Summary {
    let text = "";
    for (const cls of [...s.keys()].sort((x, y) => x - y)) {
      const e = s.get(cls)!;
      text += `${cls}:${[...e.r].sort((x, y) => x - y).join(",")}/${[...e.w].sort((x, y) => x - y).join(",")};`;
    }
    let shared = this.interned.get(text);
    if (!shared) this.interned.set(text, (shared = s));
    return shared;
  }

  /**
   * The backtrack points a prune at a state with `summary` needs on the current path (`steps`, their
   * clocks computed): see the file comment.
   */
  static carry(path: Node[], steps: readonly Step[], summary: Summary): void {
    for (const [cls, e] of summary) {
      // The thread's last step of the prefix: what happens before it happens before its continuation.
      let clock: Uint32Array | undefined;
      if (cls !== MSG_KEY_BASE)
        for (let j = steps.length - 1; j >= 0; j--)
          if (steps[j]!.key === cls) {
            clock = steps[j]!.clock;
            break;
          }
      for (let i = 0; i < steps.length; i++) {
        const st = steps[i]!;
        if (st.node < 0 || (cls !== MSG_KEY_BASE && st.key === cls) || has(clock, i) || !conflicts(st.fp, e)) continue;
        const node = path[st.node];
        if (!node?.keys) continue;
        if (cls === MSG_KEY_BASE) for (const k of node.keys) node.backtrack.add(k);
        else addPoint(node, cls);
      }
    }
  }
}
