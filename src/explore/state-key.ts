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

const SKIP_TOP = new Set(["seq", "t", "costs", "nextMsgId", "inflight", "tasks", "cores", "tables"]);
const SKIP_CORE = new Set(["id", "counters", "tlb"]);
const SKIP_ENTRY = new Set(["filledAt", "lastUsed"]);
const SKIP_MSG = new Set(["id", "sentAt", "deliverAt", "of"]);

/** Canonical text of a JSON-like value, keys sorted, `skip` left out at this level. */
function enc(v: unknown, skip?: ReadonlySet<string>): string {
  if (v === null || typeof v !== "object") return v === undefined ? "u" : typeof v === "string" ? JSON.stringify(v) : String(v);
  if (Array.isArray(v)) {
    let s = "[";
    for (let i = 0; i < v.length; i++) s += (i ? "," : "") + enc(v[i]);
    return s + "]";
  }
  const keys = Object.keys(v).sort();
  let s = "{";
  for (const k of keys) {
    if (skip?.has(k)) continue;
    s += k + ":" + enc((v as Record<string, unknown>)[k]) + ",";
  }
  return s + "}";
}

/**
 * A table is in the key as a number naming its encoding (equal contents, equal number, whether the
 * table is a scenario's frozen one or a copy written since), since the tables were most of a key's
 * length (3 KB of 6 on a15-vmid-small). The scenario's frozen tables, shared by every execution, are
 * encoded once.
 */
const frozenTables = new WeakMap<object, string>();
const tableIds = new Map<string, string>();
function tableEnc(t: object): string {
  const frozen = Object.isFrozen(t);
  let s = frozen ? frozenTables.get(t) : undefined;
  if (s === undefined) {
    const full = enc(t);
    s = tableIds.get(full);
    if (s === undefined) tableIds.set(full, (s = `#${tableIds.size}`));
    if (frozen) frozenTables.set(t, s);
  }
  return s;
}

/** The encoding of `s` with the programs' traces and the item that ran last. */
export function stateKey(s: MachineState, trace: ProgramTrace, lastKey: number): string {
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
  for (const id of Object.keys(s.tables).sort()) out += id + "=" + tableEnc(s.tables[id]!) + ",";
  out += "|K";
  const tasks = s.tasks;
  for (const id of Object.keys(tasks).sort()) {
    const t = tasks[id]!;
    let rank = 0;
    for (const o in tasks) if (tasks[o]!.readySince < t.readySince) rank++;
    out += `${id}:${t.mm},${t.on},${t.status},${rank};`;
  }
  out += "|M";
  const msgs: string[] = [];
  for (const m of s.inflight) msgs.push(enc(m, SKIP_MSG));
  out += msgs.sort().join(";");
  out += "|P";
  for (let c = 0; c < trace.a.length; c++) out += trace.a[c]!.toString(36) + "." + trace.b[c]!.toString(36) + ",";
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
