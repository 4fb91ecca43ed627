/**
 * The full encoding of a state for stateful search: everything that determines what can happen from
 * it. Unlike fingerprint.ts (coverage figures: a cheap hash of the parts worth counting), this must
 * be complete, or a prune would skip behaviour: the whole machine state (every field of every core,
 * the TLBs in slot order, tables, stale translations, variables, locks, tasks, the hypervisor, each
 * message in flight), each core's program trace (program-trace.ts), and the item that ran last (the
 * preemption bound counts from it). Left out, because no future step depends on them: event
 * sequence numbers and virtual time (stamps only; the search's choosers ignore time), counters, the
 * event that filled a TLB entry (named in messages only; its last use is kept as a rank, for LRU),
 * costs, message ids and send/arrival times (the order messages are listed in is the order of their
 * ids, which changes pick indices, not which futures exist). Tasks' `readySince` (a sequence number)
 * is kept as its rank, which is all round-robin uses.
 *
 * Records are encoded with sorted keys: their insertion order depends on the schedule.
 */
import type { MachineState } from "../state/machine-state.js";
import type { ProgramTrace } from "./program-trace.js";
import type { Renaming } from "../scenario/symmetry.js";

const SKIP_TOP = new Set(["seq", "t", "costs", "nextMsgId", "inflight", "tasks", "cores", "tables"]);
const SKIP_CORE = new Set(["id", "counters", "tlb"]);
const SKIP_ENTRY = new Set(["filledAt", "lastUsed"]);
const SKIP_MSG = new Set(["id", "sentAt", "deliverAt", "of"]);

/** The renaming applied (symmetry reduction: the key of the state's image), or null. */
let R: Renaming | null = null;

/** Canonical text of a JSON-like value, keys sorted, `skip` left out at this level. */
function enc(v: unknown, skip?: ReadonlySet<string>): string {
  if (v === null || typeof v !== "object")
    return v === undefined ? "u" : typeof v === "string" ? JSON.stringify(R ? R.name(v) : v) : String(v);
  if (Array.isArray(v)) {
    let s = "[";
    for (let i = 0; i < v.length; i++) s += (i ? "," : "") + enc(v[i]);
    return s + "]";
  }
  if (R) return encRenamed(v as Record<string, unknown>, R, skip);
  const keys = Object.keys(v).sort();
  let s = "{";
  for (const k of keys) {
    if (skip?.has(k)) continue;
    s += k + ":" + enc((v as Record<string, unknown>)[k]) + ",";
  }
  return s + "}";
}

/** A record's image: its keys renamed (then sorted), `pa` fields and stale translations mapped. */
function encRenamed(o: Record<string, unknown>, r: Renaming, skip?: ReadonlySet<string>): string {
  const parts: [string, string][] = [];
  for (const k of Object.keys(o)) {
    if (skip?.has(k)) continue;
    const v = o[k];
    let e: string;
    if (typeof v === "number" && k === "pa") e = String(r.pa(v));
    else if (k === "stale" && typeof v === "object" && v !== null && !Array.isArray(v)) {
      const image: Record<string, number[]> = {};
      for (const key in v) image[r.name(key)] = (v as Record<string, number[]>)[key]!.map((pa) => r.pa(pa));
      R = null;
      e = enc(image);
      R = r;
    } else e = enc(v);
    parts.push([r.name(k), e]);
  }
  parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let s = "{";
  for (const [k, e] of parts) s += k + ":" + e + ",";
  return s + "}";
}

/**
 * A table is in the key as a number naming its encoding (equal contents, equal number, whether the
 * table is a scenario's frozen one or a copy written since), since the tables were most of a key's
 * length (3 KB of 6 on a15-vmid-small). The scenario's frozen tables, shared by every execution, are
 * encoded once.
 */
const frozenTables = new WeakMap<object, string>();
const frozenRenamed = new Map<Renaming, WeakMap<object, string>>();
const tableIds = new Map<string, string>();
function tableEnc(t: object): string {
  const frozen = Object.isFrozen(t);
  let cache = frozenTables;
  if (R) {
    let c = frozenRenamed.get(R);
    if (!c) frozenRenamed.set(R, (c = new WeakMap()));
    cache = c;
  }
  let s = frozen ? cache.get(t) : undefined;
  if (s === undefined) {
    const full = enc(t);
    s = tableIds.get(full);
    if (s === undefined) tableIds.set(full, (s = `#${tableIds.size}`));
    if (frozen) cache.set(t, s);
  }
  return s;
}

/**
 * The encoding of `s` with the programs' traces and the item that ran last. With `k` >= 0, of the
 * state's image under the trace's k-th renaming (symmetry reduction: canonical.ts).
 */
export function stateKey(s: MachineState, trace: ProgramTrace, lastKey: number, k = -1): string {
  R = k >= 0 ? trace.syms[k]! : null;
  try {
    return keyOf(s, trace, lastKey, k);
  } finally {
    R = null;
  }
}

function keyOf(s: MachineState, trace: ProgramTrace, lastKey: number, k: number): string {
  const name = (n: string): string => (R ? R.name(n) : n);
  let out = enc(s, SKIP_TOP);
  out += "|C";
  for (const c of s.cores) {
    out += enc(c, SKIP_CORE) + "tlb[";
    // A TLB entry's fill and last-use sequence numbers: only their order matters (LRU replacement).
    for (const e of c.tlb) {
      let rank = 0;
      for (const o of c.tlb) if (o.lastUsed < e.lastUsed) rank++;
      out += `${enc(e, SKIP_ENTRY)}${rank},`;
    }
    out += "]";
  }
  out += "|T";
  const tableParts: string[] = [];
  for (const id of Object.keys(s.tables)) tableParts.push(name(id) + "=" + tableEnc(s.tables[id]!) + ",");
  out += tableParts.sort().join("");
  out += "|K";
  const tasks = s.tasks;
  const taskParts: string[] = [];
  for (const id of Object.keys(tasks)) {
    const t = tasks[id]!;
    let rank = 0;
    for (const o in tasks) if (tasks[o]!.readySince < t.readySince) rank++;
    taskParts.push(`${name(id)}:${name(t.mm)},${t.on},${t.status},${rank};`);
  }
  out += taskParts.sort().join("");
  out += "|M";
  const msgs: string[] = [];
  for (const m of s.inflight) msgs.push(enc(m, SKIP_MSG));
  out += msgs.sort().join(";");
  out += "|P";
  for (let c = 0; c < trace.a.length; c++) out += trace.laneA(k, c).toString(36) + "." + trace.laneB(k, c).toString(36) + ",";
  return `${out}|L${lastKey}`;
}

/** Two independent 32-bit hashes of a key (hash compaction stores these 64 bits instead of the key). */
export function keyHash(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  return [a >>> 0, (b ^ (b >>> 16)) >>> 0];
}
