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
import { decodeKey } from "../engine/chooser.js";
import type { Scenario } from "../scenario/types.js";
import { tasksOn } from "../scenario/initial-state.js";
import type { MachineState } from "../state/machine-state.js";
import type { Renaming } from "../scenario/symmetry.js";
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

/** What a renamed execution reads where this one read `value` at property `p`: names renamed, physical addresses mapped. */
function renamedValue(r: Renaming, p: string | symbol, value: unknown): unknown {
  if (typeof value === "string") return r.name(value);
  if (typeof value === "number" && p === "pa") return r.pa(value);
  return value;
}
const renamedProp = (r: Renaming, p: string | symbol): number => (typeof p === "string" ? strHash(r.name(p)) : propHash(p));

export class ProgramTrace {
  /** Two independent 32-bit lanes per core. */
  readonly a: Uint32Array;
  readonly b: Uint32Array;
  /** The core whose programs run now, or -1 (between steps, or before the first choice: the same in every execution). */
  current = -1;
  private readonly views = new WeakMap<object, object>();
  private readonly paths = new WeakMap<object, number>();

  /**
   * Symmetry reduction (src/scenario/symmetry.ts): beside each core's trace, the trace the renamed
   * execution would have, per renaming k at [k * cores + c] (its reads of renamed names, of mapped
   * physical addresses), so that the state's renamed images can be hashed (canonical.ts).
   */
  readonly sa: Uint32Array;
  readonly sb: Uint32Array;
  private readonly symPaths = new WeakMap<object, Uint32Array>();
  private readonly cores: number;

  constructor(
    cores: number,
    readonly syms: readonly Renaming[] = [],
  ) {
    this.cores = cores;
    this.a = new Uint32Array(cores).fill(0x12345678);
    this.b = new Uint32Array(cores).fill(0x87654321);
    this.sa = new Uint32Array(cores * syms.length).fill(0x12345678);
    this.sb = new Uint32Array(cores * syms.length).fill(0x87654321);
  }

  /** Mixes one observation, the same in every renamed execution, into the current core's traces. */
  note(x: number, y: number, c = this.current): void {
    if (this.current < 0) return;
    this.note1(x, y, c);
    for (let k = 0; k < this.syms.length; k++) this.noteK(k, c, x, y);
  }

  /** Into the identity's trace only (the caller notes the renamed executions' own observations). */
  private note1(x: number, y: number, c: number): void {
    this.dirty[c] = true;
    this.a[c] = mix(mix(this.a[c]!, x), y);
    this.b[c] = mix2(mix2(this.b[c]!, y), x);
  }

  private noteK(k: number, c: number, x: number, y: number): void {
    const i = k * this.cores + c;
    this.sa[i] = mix(mix(this.sa[i]!, x), y);
    this.sb[i] = mix2(mix2(this.sb[i]!, y), x);
  }

  /** Renaming k's lanes of core c (k = -1: the identity's). */
  laneA(k: number, c: number): number {
    return k < 0 ? this.a[c]! : this.sa[k * this.cores + c]!;
  }
  laneB(k: number, c: number): number {
    return k < 0 ? this.b[c]! : this.sb[k * this.cores + c]!;
  }

  /** A read of `value` at `t[p]` (`salt` tells the kind of read), as each renamed execution sees it. */
  private noteRenamed(
    t: object,
    p: string | symbol,
    salt: number,
    value: unknown,
    valueWord: (v: unknown) => number,
  ): Uint32Array {
    const paths = this.symPaths.get(t)!;
    const at = new Uint32Array(this.syms.length);
    const c = this.current;
    for (let k = 0; k < this.syms.length; k++) {
      const r = this.syms[k]!;
      at[k] = mix(paths[k]! ^ salt, renamedProp(r, p));
      this.noteK(k, c, at[k]!, valueWord(renamedValue(r, p, value)));
    }
    return at;
  }

  /** Cores with observations since their last `reset`. */
  private readonly dirty: boolean[] = [];

  /**
   * `core`'s programs are plain data now, described by `state` (their JS-side state at the scheduler's
   * loop head, System.quiescent): the trace starts over from it, so orders that observed different
   * values on the way but left the programs in the same state meet again.
   */
  reset(core: number, state: string, k = -1): void {
    let a = 0x243f6a88;
    let b = 0x85a308d3;
    for (let i = 0; i < state.length; i++) {
      a = mix(a, state.charCodeAt(i));
      b = mix2(b, state.charCodeAt(i));
    }
    if (k >= 0) {
      // Renaming k's: the programs' state as the renamed execution's quiescent text gives it.
      this.sa[k * this.cores + core] = a;
      this.sb[k * this.cores + core] = b;
      return;
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

  /** Where `t[p]` is in each renamed execution (no observation: a read before the first choice, or replayed). */
  private renamedPaths(t: object, p: string | symbol): Uint32Array {
    const paths = this.symPaths.get(t)!;
    const at = new Uint32Array(this.syms.length);
    for (let k = 0; k < this.syms.length; k++) at[k] = mix(paths[k]!, renamedProp(this.syms[k]!, p));
    return at;
  }

  /** An object's keys listed, as each renamed execution lists them (the same order, renamed). */
  private noteKeys(t: object, keys: readonly (string | symbol)[]): void {
    const paths = this.symPaths.get(t);
    if (!paths) return;
    for (let k = 0; k < this.syms.length; k++) {
      let h = 0x1b873593;
      for (const key of keys) h = mix(h, renamedProp(this.syms[k]!, key));
      this.noteK(k, this.current, paths[k]! ^ 0x3a8f05c5, h);
    }
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
  save(): { a: Uint32Array; b: Uint32Array; sa: Uint32Array; sb: Uint32Array; dirty: boolean[] } {
    return { a: this.a.slice(), b: this.b.slice(), sa: this.sa.slice(), sb: this.sb.slice(), dirty: this.dirty.slice() };
  }
  restore(t: { a: Uint32Array; b: Uint32Array; sa: Uint32Array; sb: Uint32Array; dirty: boolean[] }): void {
    this.a.set(t.a);
    this.b.set(t.b);
    this.sa.set(t.sa);
    this.sb.set(t.sb);
    this.dirty.length = 0;
    for (let c = 0; c < t.dirty.length; c++) this.dirty[c] = t.dirty[c]!;
  }

  /** A read-recording view of `target` (the live state, or an object in it), reached by `path`. */
  view<T extends object>(target: T, path = 0x2545f491, symPath?: Uint32Array): T {
    let v = this.views.get(target) as T | undefined;
    if (v) return v;
    this.paths.set(target, path);
    if (this.syms.length > 0) this.symPaths.set(target, symPath ?? new Uint32Array(this.syms.length).fill(path));
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
          const symAt = trace.syms.length > 0 ? trace.renamedPaths(t, p) : undefined;
          return trace.view(now !== null && typeof now === "object" ? now : trace.staleObject(), at, symAt);
        }
        const at = mix(trace.paths.get(t)!, propHash(p));
        const value = Reflect.get(t, p, r) as unknown;
        // Objects are always handed out as views, so that a reference kept from before the first
        // choice still records what is read through it later.
        let symAt: Uint32Array | undefined;
        if (trace.current >= 0) {
          trace.note1(at, valueHash(value), trace.current);
          if (trace.syms.length > 0) symAt = trace.noteRenamed(t, p, 0, value, valueHash);
        } else if (trace.syms.length > 0) symAt = trace.renamedPaths(t, p);
        const isObject = value !== null && typeof value === "object";
        log?.reads.push(isObject ? OBJECT_READ : value);
        return isObject ? trace.view(value, at, symAt) : value;
      },
      has(t, p) {
        const log = trace.log;
        if (log?.replaying) return log.nextRead() as boolean;
        const yes = Reflect.has(t, p);
        if (trace.current >= 0) {
          trace.note1(mix(trace.paths.get(t)! ^ 0x68e31da4, propHash(p)), yes ? 1 : 0, trace.current);
          if (trace.syms.length > 0) trace.noteRenamed(t, p, 0x68e31da4, yes, () => (yes ? 1 : 0));
        }
        log?.reads.push(yes);
        return yes;
      },
      ownKeys(t) {
        const log = trace.log;
        if (log?.replaying) return (log.nextRead() as (string | symbol)[]).slice();
        const keys = Reflect.ownKeys(t);
        let h = 0x1b873593;
        for (const k of keys) h = mix(h, propHash(k));
        if (trace.current >= 0) {
          trace.note1(trace.paths.get(t)! ^ 0x3a8f05c5, h, trace.current);
          trace.noteKeys(t, keys);
        }
        log?.reads.push(keys.slice());
        return keys;
      },
      getOwnPropertyDescriptor(t, p) {
        const log = trace.log;
        if (log?.replaying) return log.nextRead() as PropertyDescriptor | undefined;
        const d = Reflect.getOwnPropertyDescriptor(t, p);
        if (trace.current >= 0) {
          trace.note1(mix(trace.paths.get(t)! ^ 0x7a2d1e3f, propHash(p)), d ? valueHash(d.value) : 0, trace.current);
          if (trace.syms.length > 0) trace.noteRenamed(t, p, 0x7a2d1e3f, d?.value, (v) => (d ? valueHash(v) : 0));
        }
        log?.reads.push(d);
        return d;
      },
    });
    this.views.set(target, v);
    return v;
  }
}

/**
 * A step of ready item `key` starts: its programs' observations go to its core's trace (a message's
 * to its receiver's), and an IPI starts a handler on the receiving core with the message, part of
 * that core's trace.
 */
export function traceStep(trace: ProgramTrace, key: number, state: MachineState): void {
  const item = decodeKey(key);
  if (item.k !== "msg") {
    trace.current = item.c;
    return;
  }
  const m = state.inflight.get(item.id)!;
  trace.current = m.to;
  if (m.kind === "ipi") trace.note(strHash(m.ipi), Math.imul(m.arg | 0, 31) ^ m.from);
}

/**
 * Why a stored state could not determine what follows it, or null: per-core traces determine the
 * programs' state only when every task may run on one core only (a task's script position and a
 * vCPU thread's loop are JS data that a migrating task would carry between cores, outside any one
 * core's trace), and the machine state is all of the memory's state only under sc.
 */
export function canTrace(scenario: Scenario): string | null {
  // The armv8 view machine (src/memory/views.ts: store buffers, each location's write history, each
  // core's views) lives in the engine, outside the machine state: two states equal here could still
  // let later reads see different writes, so a prune there would be unsound.
  if (scenario.machine.memoryModel === "armv8")
    return "the machine has the armv8 memory model, whose store buffers and views are not part of a stored state";
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
