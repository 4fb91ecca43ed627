/**
 * The 64-bit hash of a state's encoding (state-key.ts), computed by walking the state instead of
 * building the encoding's text and hashing it: what the hash and bitstate stores need at every
 * scheduling choice point. It hashes exactly what `stateKey` encodes (the same fields left out, the
 * TLB entries' last uses and the tasks' `readySince` as ranks, tables by content, messages as a
 * multiset), so two states with equal encodings have equal hashes, and states with different
 * encodings differ in 64 bits with probability about 1 - 2^-64 (test/explore/state-hash.test.ts
 * checks both on states of random runs).
 *
 * Records are combined without sorting their keys: each (key, value) pair is hashed on its own and
 * the pairs are added up, lane by lane (a multiset hash, as Zobrist hashing is: insertion order,
 * which depends on the schedule, drops out). Arrays are mixed in order. Two independent 32-bit lanes
 * (different multipliers and rotations, finalised with murmur3's fmix32 and a variant) make the 64
 * bits; the scenario's frozen tables are hashed once (WeakMap).
 */
import type { MachineState, TaskState } from "../state/machine-state.js";
import type { ProgramTrace } from "./program-trace.js";
import type { Renaming } from "../scenario/symmetry.js";

/** The two lanes of the last value hashed (module scratch: a walk returns two numbers without an allocation). */
let A = 0;
let B = 0;
/** The renaming the walk applies (symmetry reduction: the hash of the state's image), or null. */
let R: Renaming | null = null;

function fmixA(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
function fmixB(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}
/** One word into each lane (murmur3's block step, and a variant with other constants). */
const stepA = (h: number, v: number): number => {
  const m = Math.imul(v, 0xcc9e2d51);
  h ^= Math.imul((m << 15) | (m >>> 17), 0x1b873593);
  return (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) >>> 0;
};
const stepB = (h: number, v: number): number => {
  const m = Math.imul(v, 0x5bd1e995);
  h ^= Math.imul((m << 17) | (m >>> 15), 0x9e3779b1);
  return (Math.imul((h << 11) | (h >>> 21), 9) + 0x7f4a7c15) >>> 0;
};

const strA = new Map<string, number>();
const strB = new Map<string, number>();
/** A string's two lanes (cached: the strings of a state are names, few and repeated). */
function str(s: string): void {
  const a = strA.get(s);
  if (a !== undefined) {
    A = a;
    B = strB.get(s)!;
    return;
  }
  let ha = 0x3c6ef372 ^ s.length;
  let hb = 0xa54ff53a ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    ha = stepA(ha, ch);
    hb = stepB(hb, ch);
  }
  A = fmixA(ha);
  B = fmixB(hb);
  strA.set(s, A);
  strB.set(s, B);
}

/** Type tags, so that 1, "1", true and [1] differ as their encodings do. */
const T_STR = 0x1b873593;
const T_ARR = 0x68e31da4;
const T_OBJ = 0x38495ab5;

/** Hashes `v` (a JSON-like value) into A, B; `skip`: keys left out at this level. */
function val(v: unknown, skip?: ReadonlySet<string>): void {
  switch (typeof v) {
    case "number":
      if (Number.isInteger(v)) {
        // Both 32-bit halves (the encoding is the decimal text: equal integers, equal text).
        const lo = v | 0;
        const hi = (v / 4294967296) | 0;
        A = fmixA(stepA(stepA(0x9747b28c, lo), hi));
        B = fmixB(stepB(stepB(0x85a308d3, lo), hi));
      } else str(String(v));
      return;
    case "string":
      str(R ? R.name(v) : v);
      A = fmixA(A ^ T_STR);
      B = fmixB(B + T_STR);
      return;
    case "boolean":
      A = v ? 0x510e527f : 0x9b05688c;
      B = v ? 0x1f83d9ab : 0x5be0cd19;
      return;
    case "undefined":
      A = 0x6a09e667;
      B = 0xbb67ae85;
      return;
    case "object":
      if (v === null) {
        A = 0x3c6ef373;
        B = 0xa54ff53b;
        return;
      }
      if (Array.isArray(v)) {
        let ha = T_ARR ^ v.length;
        let hb = T_ARR + v.length;
        for (let i = 0; i < v.length; i++) {
          val(v[i]);
          ha = stepB(stepA(ha, A), B);
          hb = stepA(stepB(hb, B), A);
        }
        A = fmixA(ha);
        B = fmixB(hb);
        return;
      }
      record(v as Record<string, unknown>, skip);
      return;
    default:
      // Functions and symbols are not state; the encoding has String(v) for them.
      str(String(v));
  }
}

/** A record: the lane-wise sum of its (key, value) pairs' hashes (order-free), then finalised. */
function record(r: Record<string, unknown>, skip?: ReadonlySet<string>): void {
  let sa = 0;
  let sb = 0;
  let n = 0;
  for (const k in r) {
    if (skip?.has(k)) continue;
    const v = r[k];
    if (R && typeof v === "number" && k === "pa") val(R.pa(v));
    else if (R && k === "stale" && typeof v === "object" && v !== null && !Array.isArray(v))
      staleImage(v as Record<string, number[]>);
    else val(v);
    const va = A;
    const vb = B;
    str(R ? R.name(k) : k);
    sa = (sa + fmixA(stepA(stepA(A, va), vb))) >>> 0;
    sb = (sb + fmixB(stepB(stepB(B, vb), va))) >>> 0;
    n++;
  }
  A = fmixA(stepA(sa ^ T_OBJ, n));
  B = fmixB(stepB(sb + T_OBJ, n));
}

/** The state's stale translations ("table:vpn" → old physical addresses) renamed, hashed as a record. */
function staleImage(stale: Record<string, number[]>): void {
  const r = R!;
  const image: Record<string, number[]> = {};
  for (const k in stale) image[r.name(k)] = stale[k]!.map((pa) => r.pa(pa));
  R = null;
  record(image);
  R = r;
}

/** Frozen tables (the scenario's, shared by every execution): hashed once (per renaming). */
const frozenA = new WeakMap<object, number>();
const frozenB = new WeakMap<object, number>();
const frozenRenamed = new Map<Renaming, { a: WeakMap<object, number>; b: WeakMap<object, number> }>();
function table(t: object): void {
  if (!Object.isFrozen(t)) return record(t as Record<string, unknown>);
  let cache = { a: frozenA, b: frozenB };
  if (R) {
    let c = frozenRenamed.get(R);
    if (!c) frozenRenamed.set(R, (c = { a: new WeakMap(), b: new WeakMap() }));
    cache = c;
  }
  const a = cache.a.get(t);
  if (a !== undefined) {
    A = a;
    B = cache.b.get(t)!;
    return;
  }
  record(t as Record<string, unknown>);
  cache.a.set(t, A);
  cache.b.set(t, B);
}

// The same fields as state-key.ts leaves out.
const SKIP_TOP = new Set(["seq", "t", "costs", "nextMsgId", "inflight", "tasks", "cores", "tables"]);
const SKIP_CORE = new Set(["id", "counters", "tlb"]);
const SKIP_ENTRY = new Set(["filledAt", "lastUsed"]);
const SKIP_MSG = new Set(["id", "sentAt", "deliverAt", "of"]);

/** Section tags, one per part of the key. */
const S_CORES = 0x243f6a88;
const S_TABLES = 0x85a308d3;
const S_TASKS = 0x13198a2e;
const S_MSGS = 0x03707344;
const S_PROGS = 0xa4093822;

/**
 * The hash of `stateKey(s, trace, lastKey)`'s content: `out[0]`, `out[1]` (two 32-bit lanes). With
 * `k` >= 0, of the state's image under the trace's k-th renaming (symmetry reduction: canonical.ts):
 * its names renamed, its physical addresses mapped, the renamed execution's program traces.
 */
export function stateHash(s: MachineState, trace: ProgramTrace, lastKey: number, out: Uint32Array, k = -1): void {
  R = k >= 0 ? trace.syms[k]! : null;
  try {
    walk(s, trace, lastKey, out, k);
  } finally {
    R = null;
  }
}

function walk(s: MachineState, trace: ProgramTrace, lastKey: number, out: Uint32Array, k: number): void {
  val(s, SKIP_TOP);
  let ha = A;
  let hb = B;
  ha = stepA(ha, S_CORES);
  hb = stepB(hb, S_CORES);
  for (const c of s.cores) {
    val(c, SKIP_CORE);
    ha = stepB(stepA(ha, A), B);
    hb = stepA(stepB(hb, B), A);
    const tlb = c.tlb;
    ha = stepA(ha, tlb.length);
    hb = stepB(hb, tlb.length);
    for (const e of tlb) {
      // Last uses as ranks (all LRU needs), as state-key.ts keeps them.
      let rank = 0;
      for (const o of tlb) if (o.lastUsed < e.lastUsed) rank++;
      record(e as unknown as Record<string, unknown>, SKIP_ENTRY);
      ha = stepA(stepB(stepA(ha, A), B), rank);
      hb = stepB(stepA(stepB(hb, B), A), rank);
    }
  }
  // Tables, tasks and messages are records or multisets: each part a lane-wise sum of its entries.
  let sa = 0;
  let sb = 0;
  const tables = s.tables as Record<string, object>;
  for (const id in tables) {
    table(tables[id]!);
    const va = A;
    const vb = B;
    str(R ? R.name(id) : id);
    sa = (sa + fmixA(stepA(stepA(A, va), vb))) >>> 0;
    sb = (sb + fmixB(stepB(stepB(B, vb), va))) >>> 0;
  }
  ha = stepB(stepA(stepA(ha, S_TABLES), sa), sb);
  hb = stepA(stepB(stepB(hb, S_TABLES), sb), sa);
  sa = sb = 0;
  const tasks = s.tasks;
  for (const id in tasks) {
    const t: TaskState = tasks[id]!;
    let rank = 0;
    for (const o in tasks) if (tasks[o]!.readySince < t.readySince) rank++;
    str(R ? R.name(id) : id);
    let ta = A;
    let tb = B;
    str(R ? R.name(t.mm) : t.mm);
    ta = stepA(stepA(ta, A), B);
    tb = stepB(stepB(tb, B), A);
    str(t.status);
    ta = stepA(stepA(stepA(stepA(ta, A), B), t.on), rank);
    tb = stepB(stepB(stepB(stepB(tb, B), A), t.on), rank);
    sa = (sa + fmixA(ta)) >>> 0;
    sb = (sb + fmixB(tb)) >>> 0;
  }
  ha = stepB(stepA(stepA(ha, S_TASKS), sa), sb);
  hb = stepA(stepB(stepB(hb, S_TASKS), sb), sa);
  sa = sb = 0;
  for (const m of s.inflight) {
    record(m as unknown as Record<string, unknown>, SKIP_MSG);
    sa = (sa + A) >>> 0;
    sb = (sb + B) >>> 0;
  }
  ha = stepB(stepA(stepA(ha, S_MSGS), sa), sb);
  hb = stepA(stepB(stepB(hb, S_MSGS), sb), sa);
  ha = stepA(ha, S_PROGS);
  hb = stepB(hb, S_PROGS);
  for (let c = 0; c < trace.a.length; c++) {
    const ta = trace.laneA(k, c);
    const tb = trace.laneB(k, c);
    ha = stepA(stepA(ha, ta), tb);
    hb = stepB(stepB(hb, tb), ta);
  }
  out[0] = fmixA(stepA(ha, lastKey));
  out[1] = fmixB(stepB(hb, lastKey));
}
