/**
 * The messages in flight (src/state/in-flight.ts): a store by id that must be, seen from outside, the
 * record `{ id: message }` the state held before it, so that no log footer's state hash, no JSON of a
 * state and no exploration hash changed.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { produce } from "immer";
import { describe, expect, it } from "vitest";
import type { BusMessage } from "../../bus/messages.js";
import { readScenario } from "../../scenarios/index.js";
import { RandomChooser } from "../../src/engine/chooser.js";
import type { SimEvent } from "../../src/events/index.js";
import { execute, type ExecutionTarget } from "../../src/explore/execution.js";
import { canonicalJson, fnv1a64, stateHash } from "../../src/state/hash.js";
import { MessagesInFlight } from "../../src/state/in-flight.js";
import type { MachineState } from "../../src/state/machine-state.js";
import { snapshotOf, thaw } from "../../src/timetravel/copy.js";
import { builtinTarget, targetOf } from "../explore/explore-helpers.js";

const msg = (id: number, to = 1): BusMessage => ({
  id,
  from: 0,
  to,
  sentAt: id,
  deliverAt: id + 20,
  kind: "ack",
  of: 0,
  for: "ipi",
});

/** Puts and deletes: ids mostly near a growing front (as the machine hands them out), some anywhere below it. */
const ops = fc.array(
  fc.record({ put: fc.boolean(), near: fc.boolean(), step: fc.nat(3), back: fc.nat(200), far: fc.nat(3000) }),
  { maxLength: 400 },
);

/** The store and a plain record, both after `ops`. */
function fold(list: readonly { put: boolean; near: boolean; step: number; back: number; far: number }[]) {
  const store = new MessagesInFlight();
  const record: Record<number, BusMessage> = {};
  let front = 0;
  for (const o of list) {
    front += o.step;
    const id = o.near ? Math.max(0, front - o.back) : o.far;
    if (o.put) {
      const m = msg(id, o.back % 4);
      store.put(m);
      record[id] = m;
    } else {
      expect(store.delete(id)).toBe(id in record);
      delete record[id];
    }
    expect(store.size).toBe(Object.keys(record).length);
    expect(store.get(id)).toBe(record[id]);
  }
  return { store, record };
}

describe("the messages in flight", () => {
  it("answer as the record { id: message } they replace, under any puts and deletes", () => {
    fc.assert(
      fc.property(ops, (list) => {
        const { store, record } = fold(list);
        const ids = Object.keys(record).map(Number);
        // Ascending id order, as for...in visits a record's integer keys.
        expect(store.values().map((m) => m.id)).toEqual(ids);
        expect([...store].map((m) => m.id)).toEqual(ids);
        expect(store.first).toBe(ids.length ? ids[0] : store.end);
        if (ids.length) expect(store.end).toBe(ids.at(-1)! + 1);
        for (let id = 0; id <= 3000; id += 7) expect(store.has(id)).toBe(id in record);
        expect(JSON.stringify(store)).toBe(JSON.stringify(record));
        expect(canonicalJson({ inflight: store })).toBe(canonicalJson({ inflight: record }));
        expect(store.toJSON()).toEqual(record);
      }),
      { numRuns: 100 },
    );
  });

  it("copies keep their messages and their own slots", () => {
    fc.assert(
      fc.property(ops, (list) => {
        const { store, record } = fold(list);
        const copy = store.copy();
        expect(copy).toEqual(store);
        copy.put(msg(5000));
        for (const m of store.values()) copy.delete(m.id);
        expect(store.toJSON()).toEqual(record);
        expect(copy.values().map((m) => m.id)).toEqual([5000]);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses an id that is not a non-negative integer, or ids spread wider than it can hold", () => {
    const store = new MessagesInFlight();
    expect(() => store.put(msg(-1))).toThrow("message id -1 is not a non-negative integer");
    expect(() => store.put(msg(1.5))).toThrow("message id 1.5 is not a non-negative integer");
    store.put(msg(3));
    expect(() => store.put(msg(2 ** 40))).toThrow(/message ids in flight span \d+ \(3 to 1099511627776\)/);
    expect(store.values().map((m) => m.id)).toEqual([3]);
  });

  it("stays a store through snapshots, thawing and immer's produce, which leave their input alone", () => {
    const s = { inflight: MessagesInFlight.of({ 4: msg(4), 9: msg(9) }), n: 1 };
    const snap = snapshotOf(s, undefined);
    expect(snap.inflight).toBeInstanceOf(MessagesInFlight);
    expect(Object.isFrozen(snap.inflight)).toBe(true);
    expect(() => snap.inflight.put(msg(5))).toThrow(TypeError);
    // Unchanged since the last snapshot: shared; one message more: a new store sharing the others.
    expect(snapshotOf(thaw(snap), snap).inflight).toBe(snap.inflight);
    const more = thaw(snap);
    expect(Object.isFrozen(more.inflight)).toBe(false);
    more.inflight.put(msg(12));
    const next = snapshotOf(more, snap);
    expect(next.inflight.values().map((m) => m.id)).toEqual([4, 9, 12]);
    expect(next.inflight.get(4)).toBe(snap.inflight.get(4));
    const after = produce(snap, (d) => {
      d.inflight.delete(4);
      d.inflight.put(msg(30));
    });
    expect(after.inflight).toBeInstanceOf(MessagesInFlight);
    expect(after.inflight.values().map((m) => m.id)).toEqual([9, 30]);
    expect(snap.inflight.values().map((m) => m.id)).toEqual([4, 9]);
    // The same messages (none) at other slots: not shared, so what a fold from the snapshot lays out is
    // what the working copy would (a seek equals the plain fold, field by field).
    const [x, y] = [new MessagesInFlight(), new MessagesInFlight()];
    x.put(msg(3));
    x.delete(3);
    y.put(msg(40));
    y.delete(40);
    const sx = snapshotOf({ inflight: x }, undefined);
    const sy = snapshotOf({ inflight: y }, sx);
    expect(sy.inflight).not.toBe(sx.inflight);
    expect(thaw(sy)).toEqual({ inflight: y });
  });
});

/** What the old reducers did to the record: put every message sent, delete the one delivered (src/state/*-reducers.ts). */
function foldRecord(record: Record<number, BusMessage>, ev: SimEvent): number {
  let outOfOrder = 0;
  const put = (m: BusMessage): void => {
    for (const id in record) if (Number(id) > m.id) outOfOrder++;
    record[m.id] = m;
  };
  if (ev.type === "ipi.send" || ev.type === "tlbi") for (const m of ev.msgs) put(m);
  else if (ev.type === "ipi.done") put(ev.ack);
  else if (ev.type === "bus.deliver") {
    delete record[ev.msg.id];
    if (ev.late) put(ev.late);
    if (ev.ack) put(ev.ack);
  }
  return outOfOrder;
}

const LATE = resolve(import.meta.dirname, "../fixtures/late-tlbi-scenario.json");

describe("a state with the store hashes as the state with the record did", () => {
  const cases: [string, () => Promise<ExecutionTarget>][] = [
    ["tlb-shootdown-munmap", () => builtinTarget("tlb-shootdown-munmap")],
    ["asid-small-ipi", () => builtinTarget("asid-small-ipi")],
    // Late TLBI completions: a completion is sent before the ack whose id is one below its own.
    ["late TLBI completions", () => targetOf(readScenario(JSON.parse(readFileSync(LATE, "utf8")), LATE))],
  ];
  it.each(cases)("%s, on random runs: the same JSON and log footer state hash after every event", async (name, target) => {
    const t = await target();
    let outOfOrder = 0;
    let compared = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const record: Record<number, BusMessage> = {};
      execute(t, new RandomChooser(seed, 0.2), {
        onEvent: (ev, state: MachineState) => {
          outOfOrder += foldRecord(record, ev);
          expect(JSON.stringify(state.inflight)).toBe(JSON.stringify(record));
          if (ev.seq % 5 === 0 || ev.type === "bus.deliver") {
            compared++;
            expect(stateHash(state)).toBe(fnv1a64(canonicalJson({ ...state, inflight: record })));
          }
        },
      });
    }
    expect(compared).toBeGreaterThan(50);
    if (name === "late TLBI completions") expect(outOfOrder).toBeGreaterThan(0);
  });
});
