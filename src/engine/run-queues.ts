/**
 * Run queues: for each list of tasks a core may pick (its affinity, in the state's task order), which
 * of them are ready, kept up to date as tasks change state instead of found by a pass over every task
 * at every pick (at 4,096 tasks that pass was half of a run). A pick asks: how many are ready, the k-th
 * ready one in list order (the "any" scheduler's recorded choice indexes that order), and the one
 * ready the longest (round-robin: least `readySince`, ties to the first in list order), as
 * kernel/sched's per-CPU run queues answer without looking at every task.
 */
import type { MachineState } from "../state/machine-state.js";
import { FlagTree } from "./flag-tree.js";

/** A min-heap of [readySince, position] with stale entries dropped when they come to the top. */
class OldestFirst {
  private readonly heap: [number, number][] = [];
  push(since: number, pos: number): void {
    const h = this.heap;
    h.push([since, pos]);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  /** The top entry that `live` accepts, dropping the ones it rejects. */
  top(live: (since: number, pos: number) => boolean): number {
    const h = this.heap;
    while (h.length > 0 && !live(h[0]![0], h[0]![1])) this.pop();
    return h.length > 0 ? h[0]![1] : -1;
  }
  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l]!, h[m]!)) m = l;
      if (r < h.length && less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

const less = (a: [number, number], b: [number, number]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

export class RunQueue {
  private readonly ready: FlagTree;
  /** Made at the first round-robin pick (an "any" scheduler never asks: no heap growing with every yield). */
  private oldest: OldestFirst | null = null;
  constructor(
    readonly ids: readonly string[],
    private readonly s: MachineState,
  ) {
    this.ready = new FlagTree(ids.length);
    for (let pos = 0; pos < ids.length; pos++) this.changed(pos);
  }
  /** Task at `pos` may have changed state. */
  changed(pos: number): void {
    const t = this.s.tasks[this.ids[pos]!]!;
    const ready = t.status === "ready";
    this.ready.set(pos, ready);
    if (ready) this.oldest?.push(t.readySince, pos);
  }
  get count(): number {
    return this.ready.total;
  }
  kth(k: number): string {
    return this.ids[this.ready.kth(k)]!;
  }
  /** The ready task with the least readySince (ties: first in list order), or "" with none. */
  longestReady(): string {
    if (!this.oldest) {
      this.oldest = new OldestFirst();
      for (let p = 0; p < this.ids.length; p++) {
        const t = this.s.tasks[this.ids[p]!]!;
        if (t.status === "ready") this.oldest.push(t.readySince, p);
      }
    }
    const pos = this.oldest.top((since, p) => {
      const t = this.s.tasks[this.ids[p]!]!;
      return t.status === "ready" && t.readySince === since;
    });
    return pos < 0 ? "" : this.ids[pos]!;
  }
}

/** The run queues of one machine, and how many tasks have not exited. */
export class RunQueues {
  private readonly byList = new Map<readonly string[], RunQueue>();
  private readonly byContent = new Map<string, RunQueue>();
  /** Each task's places: the queues that list it, at which position. */
  private readonly places = new Map<string, { q: RunQueue; pos: number }[]>();
  private live = -1;
  private readonly exited = new Set<string>();

  constructor(private readonly s: MachineState) {}

  of(ids: readonly string[]): RunQueue {
    let q = this.byList.get(ids);
    if (q) return q;
    const key = ids.join("\u0000");
    q = this.byContent.get(key);
    if (!q) {
      const made = new RunQueue(ids, this.s);
      ids.forEach((id, pos) => {
        let p = this.places.get(id);
        if (!p) this.places.set(id, (p = []));
        p.push({ q: made, pos });
      });
      this.byContent.set(key, made);
      q = made;
    }
    this.byList.set(ids, q);
    return q;
  }

  /** After an event that names a task: its state may have changed. */
  changed(task: string): void {
    const p = this.places.get(task);
    if (p) for (const { q, pos } of p) q.changed(pos);
    if (this.live >= 0 && !this.exited.has(task) && this.s.tasks[task]?.status === "exited") {
      this.exited.add(task);
      this.live--;
    }
  }

  /** Whether every task has exited. */
  allExited(): boolean {
    if (this.live < 0) {
      this.live = 0;
      for (const id in this.s.tasks) {
        if (this.s.tasks[id]!.status === "exited") this.exited.add(id);
        else this.live++;
      }
    }
    return this.live === 0;
  }
}
