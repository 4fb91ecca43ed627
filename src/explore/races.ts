/**
 * Race analysis over one execution, for DPOR: for every step j, the latest earlier step i of another
 * thread that conflicts with it (same object, at least one write) and does not happen before it. Those
 * are the pairs an equivalent execution could run the other way round (Flanagan and Godefroid, POPL
 * 2005, with happens-before from the footprints). Vector clocks are bitsets over step indices.
 */
import type { Footprint } from "./footprint.js";

export interface RaceStep {
  /** The thread: the engine's ready-item key. */
  key: number;
  fp: Footprint;
}

/** Calls `onRace(i, j)` for each step j that races with an earlier step i (the latest such i). */
export function forEachRace(steps: readonly RaceStep[], onRace: (i: number, j: number) => void): void {
  const n = steps.length;
  const words = (n >> 5) + 1;
  const zero = (): Uint32Array => new Uint32Array(words);
  const join = (a: Uint32Array, b: Uint32Array | undefined): void => {
    if (b) for (let i = 0; i < words; i++) a[i]! |= b[i]!;
  };
  const has = (c: Uint32Array, i: number): boolean => (c[i >> 5]! & (1 << (i & 31))) !== 0;
  const thread = new Map<number, Uint32Array>();
  const created = new Map<number, Uint32Array>();
  const lastWrite = new Map<number, Uint32Array>();
  const readsSince = new Map<number, Uint32Array>();
  const accesses = new Map<number, { step: number; write: boolean }[]>();
  for (let j = 0; j < n; j++) {
    const s = steps[j]!;
    const before = zero();
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
    const clock = before;
    for (const o of s.fp.reads) join(clock, lastWrite.get(o));
    for (const o of s.fp.writes) {
      join(clock, lastWrite.get(o));
      join(clock, readsSince.get(o));
    }
    clock[j >> 5]! |= 1 << (j & 31);
    for (const o of s.fp.reads) {
      let r = readsSince.get(o);
      if (!r) readsSince.set(o, (r = zero()));
      join(r, clock);
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
