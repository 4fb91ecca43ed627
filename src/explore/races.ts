/**
 * Race analysis over one execution, for DPOR: for every step j, the latest earlier step i of another
 * thread that conflicts with it (same object, at least one write) and does not happen before it. Those
 * are the pairs an equivalent execution could run the other way round (Flanagan and Godefroid, POPL
 * 2005, with happens-before from the footprints). Vector clocks are bitsets over step indices.
 *
 * An execution resumed from a snapshot (resume.ts) shares its first steps with an earlier one: their
 * races were reported then, and their clocks are kept on the steps, so only the new steps are analysed
 * (`from`); the shared prefix is walked without joining a clock.
 */
import type { Footprint } from "./footprint.js";

export interface RaceStep {
  /** The thread: the engine's ready-item key. */
  key: number;
  fp: Footprint;
  /** The step's vector clock (the steps that happen before it, itself included), once analysed. */
  clock?: Uint32Array;
}

type Clock = Uint32Array;

/** `a |= b`; a clock is at least as long as any clock of an earlier step. */
function join(a: Clock, b: Clock | undefined): void {
  if (b) for (let i = 0; i < b.length; i++) a[i]! |= b[i]!;
}
const has = (c: Clock, i: number): boolean => (c[i >> 5]! & (1 << (i & 31))) !== 0;

/**
 * Calls `onRace(i, j)` for each step j ≥ `from` that races with an earlier step i (the latest such i).
 * Steps before `from` must have been analysed before (by an execution that ran them).
 */
export function forEachRace(steps: readonly RaceStep[], onRace: (i: number, j: number) => void, from = 0): void {
  const n = steps.length;
  const thread = new Map<number, Clock>();
  const created = new Map<number, Clock>();
  const lastWrite = new Map<number, Clock>();
  /** Per object, the steps that read it since its last write: their clocks are joined by the next write. */
  const readsSince = new Map<number, number[]>();
  const accesses = new Map<number, { step: number; write: boolean }[]>();
  for (let j = 0; j < n; j++) {
    const s = steps[j]!;
    let clock = j < from ? s.clock : undefined;
    if (!clock) {
      const before = new Uint32Array((j >> 5) + 1);
      join(before, thread.get(s.key));
      join(before, created.get(s.key));
      // The latest earlier step of another thread that conflicts with this one and is not ordered before it.
      let race = -1;
      const conflicts = (objs: number[], write: boolean): void => {
        for (const o of objs) {
          const list = accesses.get(o);
          if (!list) continue;
          for (let x = list.length - 1; x >= 0 && list[x]!.step > race; x--) {
            const a = list[x]!;
            if ((a.write || write) && steps[a.step]!.key !== s.key && !has(before, a.step)) race = a.step;
          }
        }
      };
      conflicts(s.fp.reads, false);
      conflicts(s.fp.writes, true);
      if (race >= 0) onRace(race, j);
      clock = before;
      for (const o of s.fp.reads) join(clock, lastWrite.get(o));
      for (const o of s.fp.writes) {
        join(clock, lastWrite.get(o));
        for (const r of readsSince.get(o) ?? []) join(clock, steps[r]!.clock);
      }
      clock[j >> 5]! |= 1 << (j & 31);
      s.clock = clock;
    }
    for (const o of s.fp.reads) {
      push(readsSince, o, j);
      push(accesses, o, { step: j, write: false });
    }
    for (const o of s.fp.writes) {
      lastWrite.set(o, clock);
      readsSince.delete(o);
      push(accesses, o, { step: j, write: true });
    }
    thread.set(s.key, clock);
    for (const m of s.fp.creates) created.set(m, clock);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
