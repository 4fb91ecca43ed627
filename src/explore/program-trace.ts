/**
 * What a core's step programs are, without looking inside their generators (which cannot be copied
 * or hashed): a program is a deterministic function of what it was given, so each core keeps a
 * running hash of everything its programs observed, in order: each value the engine resumed them
 * with (an operation's result), each field of the live state they read directly (through a view of
 * the state that records reads: kernel code reads its own core's registers and, under a lock, shared
 * bitmaps), and each IPI handler started on the core with its message. Two executions whose cores
 * have equal traces have step programs in equal states (same stacks, same locals, same per-CPU
 * data), provided programs share no mutable JS data between cores — true when every task is pinned to
 * one core (a task's script position lives in JS; `canTrace` checks it).
 *
 * The trace is a history, so it only merges states reached with the same per-core observations: the
 * interleavings of independent steps of different cores (the common case), not spin loops of
 * different lengths. That loses merges, never soundness.
 */
import type { Scenario } from "../scenario/types.js";
import { tasksOn } from "../scenario/initial-state.js";
import type { MachineState } from "../state/machine-state.js";
import { OBJECT_READ, ReplayDiverged, type ProgramLog } from "./program-log.js";

const mix = (h: number, v: number): number => Math.imul(h ^ v, 0x9e3779b1) >>> 0;
const mix2 = (h: number, v: number): number => Math.imul((h + v) ^ (h >>> 15), 0x85ebca6b) >>> 0;

const strHashes = new Map<string, number>();
export function strHash(s: string): number {
  let h = strHashes.get(s);
  if (h === undefined) {
    h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    strHashes.set(s, (h >>>= 0));
  }
  return h;
}

/** A value read, as one 32-bit word (numbers keep both halves of a float's integer part). */
function valueHash(v: unknown): number {
  switch (typeof v) {
    case "number":
      return Number.isInteger(v) ? (v | 0) ^ Math.imul((v / 4294967296) | 0, 0x27d4eb2d) : strHash(String(v));
    case "string":
      return strHash(v) ^ 0x5bd1e995;
    case "boolean":
      return v ? 0x3c6ef372 : 0x3c6ef373;
    case "undefined":
      return 0x6a09e667;
    case "object":
      return v === null ? 0x510e527f : 0x1f83d9ab;
    default:
      return 0x9b05688c; // functions (array methods) and symbols: their presence only
  }
}

const propHash = (p: string | symbol): number => (typeof p === "string" ? strHash(p) : strHash(p.toString()));

export class ProgramTrace {
  /** Two independent 32-bit lanes per core. */
  readonly a: Uint32Array;
  readonly b: Uint32Array;
  /** The core whose programs run now, or -1 (between steps, or before the first choice: the same in every execution). */
  current = -1;
  private readonly views = new WeakMap<object, object>();
  private readonly paths = new WeakMap<object, number>();

  constructor(cores: number) {
    this.a = new Uint32Array(cores).fill(0x12345678);
    this.b = new Uint32Array(cores).fill(0x87654321);
  }

  /** Mixes one observation into the current core's trace. */
  note(x: number, y: number, c = this.current): void {
    if (this.current < 0) return;
    this.dirty[c] = true;
    this.a[c] = mix(mix(this.a[c]!, x), y);
    this.b[c] = mix2(mix2(this.b[c]!, y), x);
  }

  /** Cores with observations since their last `reset`. */
  private readonly dirty: boolean[] = [];

  /**
   * `core`'s programs are plain data now, described by `state` (their JS-side state at the scheduler's
   * loop head, System.quiescent): the trace starts over from it, so orders that observed different
   * values on the way but left the programs in the same state meet again.
   */
  reset(core: number, state: string): void {
    let a = 0x243f6a88;
    let b = 0x85a308d3;
    for (let i = 0; i < state.length; i++) {
      a = mix(a, state.charCodeAt(i));
      b = mix2(b, state.charCodeAt(i));
    }
    this.a[core] = a;
    this.b[core] = b;
    this.dirty[core] = false;
  }

  isDirty(core: number): boolean {
    return this.dirty[core] !== false;
  }

  /** The engine resumed a program of `core` with `value`. */
  resumed(core: number, value: number): void {
    // Before the first choice (current -1) the first pushes run: the same in every execution.
    this.note(0x7f4a7c15, valueHash(value), core);
  }

  /** Stateful search's log of what the programs read, to rebuild them (program-log.ts); null: none kept. */
  log: ProgramLog | null = null;
  /**
   * Objects a program read during a rebuild that are gone from the live state now: their views answer
   * from the log while it replays and fail loudly after (a program kept a reference to something gone).
   */
  readonly stale = new WeakSet();
  staleObject(): object {
    const gone = new Proxy(
      {},
      {
        get() {
          throw new ReplayDiverged();
        },
        has() {
          throw new ReplayDiverged();
        },
      },
    );
    this.stale.add(gone);
    return gone;
  }

  /** Copies of the per-core traces (what a snapshot keeps), and putting them back. */
  save(): { a: Uint32Array; b: Uint32Array; dirty: boolean[] } {
    return { a: this.a.slice(), b: this.b.slice(), dirty: this.dirty.slice() };
  }
  restore(t: { a: Uint32Array; b: Uint32Array; dirty: boolean[] }): void {
    this.a.set(t.a);
    this.b.set(t.b);
    this.dirty.length = 0;
    for (let c = 0; c < t.dirty.length; c++) this.dirty[c] = t.dirty[c]!;
  }

  /** A read-recording view of `target` (the live state, or an object in it), reached by `path`. */
  view<T extends object>(target: T, path = 0x2545f491): T {
    let v = this.views.get(target) as T | undefined;
    if (v) return v;
    this.paths.set(target, path);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the traps need the trace
    const trace = this;
    v = new Proxy(target, {
      get(t, p, r) {
        const log = trace.log;
        if (log?.replaying) {
          // Rebuilding the programs (program-log.ts): the value read then; an object is the live one
          // at the same place now (what the program keeps it for is reading it later, live).
          const then = log.nextRead();
          if (then !== OBJECT_READ) return then;
          const now = trace.stale.has(t) ? undefined : (Reflect.get(t, p, r) as unknown);
          const at = mix(trace.paths.get(t)!, propHash(p));
          return trace.view(now !== null && typeof now === "object" ? now : trace.staleObject(), at);
        }
        const at = mix(trace.paths.get(t)!, propHash(p));
        const value = Reflect.get(t, p, r) as unknown;
        // Objects are always handed out as views, so that a reference kept from before the first
        // choice still records what is read through it later.
        trace.note(at, valueHash(value));
        const isObject = value !== null && typeof value === "object";
        log?.reads.push(isObject ? OBJECT_READ : value);
        return isObject ? trace.view(value, at) : value;
      },
      has(t, p) {
        const log = trace.log;
        if (log?.replaying) return log.nextRead() as boolean;
        const yes = Reflect.has(t, p);
        trace.note(mix(trace.paths.get(t)! ^ 0x68e31da4, propHash(p)), yes ? 1 : 0);
        log?.reads.push(yes);
        return yes;
      },
      ownKeys(t) {
        const log = trace.log;
        if (log?.replaying) return (log.nextRead() as (string | symbol)[]).slice();
        const keys = Reflect.ownKeys(t);
        let h = 0x1b873593;
        for (const k of keys) h = mix(h, propHash(k));
        trace.note(trace.paths.get(t)! ^ 0x3a8f05c5, h);
        log?.reads.push(keys.slice());
        return keys;
      },
      getOwnPropertyDescriptor(t, p) {
        const log = trace.log;
        if (log?.replaying) return log.nextRead() as PropertyDescriptor | undefined;
        const d = Reflect.getOwnPropertyDescriptor(t, p);
        trace.note(mix(trace.paths.get(t)! ^ 0x7a2d1e3f, propHash(p)), d ? valueHash(d.value) : 0);
        log?.reads.push(d);
        return d;
      },
    });
    this.views.set(target, v);
    return v;
  }
}

/**
 * Whether per-core traces determine the programs' state: every task may run on one core only (a
 * task's script position and a vCPU thread's loop are JS data that a migrating task would carry
 * between cores, outside any one core's trace).
 */
export function canTrace(scenario: Scenario): string | null {
  const seen = new Map<string, number>();
  for (let c = 0; c < scenario.machine.cores; c++) {
    for (const t of tasksOn(scenario, c)) {
      if (seen.has(t)) return `task ${t} may run on core ${seen.get(t)} and core ${c}`;
      seen.set(t, c);
    }
  }
  return null;
}

export type { MachineState };
