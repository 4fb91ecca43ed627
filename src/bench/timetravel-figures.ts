/**
 * The time-travel measurements on one log file (issue 5, "Speed"): load it with its snapshots (time,
 * and the process's RSS then), seek to random targets, `back` from random points, and the per-snapshot
 * cost of three ways of taking and restoring a snapshot. Wall-clock time and a seeded generator of our
 * own are fine here (src/bench is never part of the engine); the seed makes the targets repeatable.
 */
import { performance } from "node:perf_hooks";
import { freeze, produce } from "immer";
import type { Scenario } from "../scenario/types.js";
import type { MachineState } from "../state/machine-state.js";
import { snapshotOf, thaw } from "../timetravel/copy.js";
import { openLog, timelineOf } from "../timetravel/open.js";
import { median } from "./measure.js";

export interface Latency {
  count: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
}

export interface CopierFigure {
  name: string;
  /** Median microseconds to take one snapshot of a mid-log state (given the previous snapshot). */
  snapshotUs: number;
  /** Median microseconds to turn a snapshot back into a working state, where the method has one. */
  restoreUs: number | null;
}

export interface TimeTravelFigures {
  k: number;
  events: number;
  snapshots: number;
  /** Reading and parsing the log, then the one fold that takes the snapshots. */
  loadSeconds: number;
  snapshotSeconds: number;
  /** RSS of the process holding the loaded log and its snapshots (the largest seen while seeking). */
  rssBytes: number;
  heapUsedBytes: number;
  seek: Latency;
  back: Latency;
  copiers: CopierFigure[];
}

export interface TimeTravelOptions {
  k: number;
  seeks: number;
  seed: number;
}

/** mulberry32: a small seeded generator, so every run seeks to the same targets. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function latency(ms: number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  return {
    count: s.length,
    medianMs: median(s),
    p99Ms: s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)]!,
    maxMs: s[s.length - 1]!,
  };
}

function timeMs(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/** Median microseconds of `reps` calls. */
function perCallUs(reps: number, fn: () => unknown): number {
  const xs: number[] = [];
  for (let i = 0; i < reps; i++) xs.push(timeMs(() => void fn()) * 1000);
  return median(xs);
}

/** Writes into an immer draft only what differs from `cur`, so produce() shares the rest. */
function reconcile(draft: Record<string, unknown> | unknown[], cur: Record<string, unknown> | unknown[]): void {
  const d = draft as Record<string, unknown>;
  const c = cur as Record<string, unknown>;
  for (const k of Object.keys(d)) if (!(k in c)) delete d[k];
  if (Array.isArray(draft) && Array.isArray(cur)) draft.length = cur.length;
  for (const k of Object.keys(c)) {
    const v = c[k];
    const old = d[k];
    if (
      typeof v === "object" &&
      v !== null &&
      typeof old === "object" &&
      old !== null &&
      Array.isArray(v) === Array.isArray(old)
    ) {
      reconcile(old as Record<string, unknown>, v as Record<string, unknown>);
    } else if (old !== v) d[k] = typeof v === "object" && v !== null ? thaw(v) : v;
  }
}

function copiers(prev: MachineState, cur: MachineState): CopierFigure[] {
  const reps = 200;
  return [
    {
      name: "sharing copier + immer freeze (used)",
      snapshotUs: perCallUs(reps, () => snapshotOf(cur, prev)),
      restoreUs: perCallUs(reps, () => thaw(prev)),
    },
    {
      name: "structuredClone + deep freeze",
      snapshotUs: perCallUs(reps, () => freeze(structuredClone(cur), true)),
      restoreUs: perCallUs(reps, () => structuredClone(prev)),
    },
    {
      name: "immer produce (reconcile a draft)",
      snapshotUs: perCallUs(reps, () =>
        produce(prev, (d) => reconcile(d as unknown as Record<string, unknown>, cur as unknown as Record<string, unknown>)),
      ),
      restoreUs: null,
    },
  ];
}

export async function timeTravelFigures(path: string, opts: TimeTravelOptions): Promise<TimeTravelFigures> {
  const t0 = performance.now();
  // The bench's own fixture log: its header's scenario is already resolved, so it is used as is.
  const opened = await openLog(path, (raw) => raw as Scenario);
  const t1 = performance.now();
  const tl = timelineOf(opened, opts.k);
  const t2 = performance.now();
  let rss = process.memoryUsage().rss;
  const heapUsedBytes = process.memoryUsage().heapUsed;
  const n = tl.length;
  const rand = rng(opts.seed);
  const seeks: number[] = [];
  for (let i = 0; i < opts.seeks; i++) {
    const target = Math.floor(rand() * (n + 1));
    seeks.push(timeMs(() => void tl.seek(target)));
  }
  rss = Math.max(rss, process.memoryUsage().rss);
  const backs: number[] = [];
  for (let i = 0; i < opts.seeks; i++) {
    tl.seek(Math.floor(rand() * (n + 1)));
    // One step back mostly (the debugger's `back`), sometimes further.
    const k = rand() < 0.5 ? 1 : 1 + Math.floor(rand() * 2 * opts.k);
    backs.push(timeMs(() => void tl.back(k)));
  }
  rss = Math.max(rss, process.memoryUsage().rss);
  const mid = tl.snapshots.baseOf(Math.floor(n / 2)) + Math.floor(opts.k / 2);
  const prev = tl.snapshots.at(tl.snapshots.baseOf(Math.min(mid, n)) / opts.k);
  return {
    k: opts.k,
    events: n,
    snapshots: tl.snapshots.count,
    loadSeconds: (t1 - t0) / 1000,
    snapshotSeconds: (t2 - t1) / 1000,
    rssBytes: rss,
    heapUsedBytes,
    seek: latency(seeks),
    back: latency(backs),
    copiers: copiers(prev, tl.state(Math.min(mid, n))),
  };
}
