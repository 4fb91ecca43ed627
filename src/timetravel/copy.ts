/**
 * Copying machine states between the mutable working copy that the fold runs on and the immutable
 * snapshots. The state is plain JSON-like data (src/state/machine-state.ts), so two generic copiers do:
 *
 * - `snapshotOf(working, previous)`: an immutable copy that reuses every subtree of the previous
 *   snapshot that is unchanged (structural sharing, as immer's `produce` gives), and freezes only the
 *   new nodes with immer's `freeze`, so a snapshot is also a valid immer base state for `apply`. Between
 *   two snapshots most of the machine is untouched (tables, tasks, idle cores' TLBs), so most of a
 *   snapshot is shared.
 * - `thaw(snapshot)`: a mutable deep copy to fold on. Nothing of the working copy is ever shared with a
 *   snapshot, because the reducer mutates in place (a TLB hit bumps `lastUsed` on its entry).
 *
 * Both are generic rather than written against the state's fields, so the state can grow (hypervisor
 * fields) without these going stale; the one node that is not plain data, the messages in flight (a
 * store by id: src/state/in-flight.ts), is copied by its own `copy`, keeping its class and layout.
 * Why not structuredClone or immer's produce: `npm run bench` times all three on a mid-log state of the 1M-event fixture. Taking a snapshot: this copier 50 µs,
 * structuredClone + deep freeze 142 µs (and it shares nothing, so every snapshot is a whole state),
 * immer's produce writing the changes into a draft of the previous snapshot 722 µs (proxies on every
 * node it reads). Restoring a working copy: `thaw` 28 µs, structuredClone 106 µs.
 */
import { freeze } from "immer";
import { MessagesInFlight } from "../state/in-flight.js";

type Plain = Record<string, unknown>;

/** `out[k] = v`, except that a key "__proto__" (JSON.parse makes it an own property) stays a property. */
function set(out: Plain, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

/** A mutable deep copy of plain data (objects, arrays, primitives). */
export function thaw<T>(v: T): T {
  return copyValue(v) as T;
}

function copyValue(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (v instanceof MessagesInFlight) return v.copy((m) => copyValue(m) as typeof m);
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyValue(v[i]);
    return out;
  }
  const o = v as Plain;
  const out: Plain = {};
  for (const k in o) set(out, k, copyValue(o[k]));
  return out;
}

/** An immutable copy of `cur` that shares every subtree equal to the same place in `prev`. */
export function snapshotOf<T>(cur: T, prev: T | undefined): T {
  return share(cur, prev) as T;
}

function share(cur: unknown, prev: unknown): unknown {
  if (typeof cur !== "object" || cur === null) return cur;
  if (Array.isArray(cur)) return shareArray(cur, Array.isArray(prev) ? (prev as unknown[]) : undefined);
  if (cur instanceof MessagesInFlight) return shareInFlight(cur, prev instanceof MessagesInFlight ? prev : undefined);
  const p = typeof prev === "object" && prev !== null && !Array.isArray(prev) ? (prev as Plain) : undefined;
  return shareObject(cur as Plain, p);
}

function shareArray(cur: readonly unknown[], prev: readonly unknown[] | undefined): unknown {
  let out: unknown[] | null = prev && prev.length === cur.length ? null : new Array<unknown>(cur.length);
  for (let i = 0; i < cur.length; i++) {
    const before = prev?.[i];
    const v = share(cur[i], before);
    if (out === null && v !== before) {
      // First difference: everything up to here is prev's own (shared) children.
      out = new Array<unknown>(cur.length);
      for (let j = 0; j < i; j++) out[j] = prev![j];
    }
    if (out !== null) out[i] = v;
  }
  return out === null ? prev : freeze(out);
}

function shareObject(cur: Plain, prev: Plain | undefined): unknown {
  // Key order is part of the value here: the fold's own state iterates in it (a lock released and taken
  // again moves to the end), so a snapshot shares a node only when its keys come in the same order.
  const keys = prev ? Object.keys(prev) : null;
  let out: Plain | null = prev ? null : {};
  let count = 0;
  for (const k in cur) {
    const before = prev?.[k];
    const v = share(cur[k], before);
    if (out === null && (v !== before || keys![count] !== k)) {
      out = {};
      for (const j in cur) {
        if (j === k) break;
        set(out, j, prev![j]);
      }
    }
    if (out !== null) set(out, k, v);
    count++;
  }
  // Same keys and values so far; a key deleted since (a released lock, a delivered message) still differs.
  if (out === null && keys!.length !== count) {
    out = {};
    for (const k in cur) set(out, k, prev![k]);
  }
  return out === null ? prev : freeze(out);
}

/**
 * The messages in flight: each shared with the same id's in `prev` when equal; `prev` itself when all are,
 * no more, and at the same slots (a fold from the snapshot must lay them out as the working copy would).
 */
function shareInFlight(cur: MessagesInFlight, prev: MessagesInFlight | undefined): MessagesInFlight {
  let same = prev !== undefined && prev.size === cur.size && prev.sameSlots(cur);
  const out = cur.copy((m, id) => {
    const before = prev?.get(id);
    const v = share(m, before) as typeof m;
    if (v !== before) same = false;
    return v;
  });
  return same ? prev! : out.freeze();
}
