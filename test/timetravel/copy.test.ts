/** The snapshot copier shares equal subtrees, copies and freezes changed ones, and keeps key order. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { snapshotOf, thaw } from "../../src/timetravel/copy.js";

describe("snapshotOf", () => {
  it("returns the previous snapshot itself when nothing changed", () => {
    const cur = { a: 1, b: { c: [1, 2, { d: "x" }] } };
    const prev = snapshotOf(cur, undefined);
    expect(prev).toEqual(cur);
    expect(prev).not.toBe(cur);
    expect(snapshotOf(cur, prev)).toBe(prev);
  });

  it("copies only the path to a change and shares the rest", () => {
    const cur = { cores: [{ tlb: [{ vpn: 1 }] }, { tlb: [{ vpn: 2 }] }], vars: { x: 1 } };
    const prev = snapshotOf(cur, undefined);
    cur.cores[1]!.tlb[0]!.vpn = 3;
    const next = snapshotOf(cur, prev);
    expect(next).toEqual(cur);
    expect(next.cores[0]).toBe(prev.cores[0]);
    expect(next.vars).toBe(prev.vars);
    expect(next.cores[1]).not.toBe(prev.cores[1]);
    expect(prev.cores[1]!.tlb[0]!.vpn).toBe(2);
  });

  it("sees deleted keys, grown and shrunk arrays, and a key order change", () => {
    const cur: { locks: Record<string, number>; list: number[] } = { locks: { a: 0, b: 1 }, list: [1, 2, 3] };
    const prev = snapshotOf(cur, undefined);
    delete cur.locks.a;
    cur.list.length = 2;
    const next = snapshotOf(cur, prev);
    expect(next).toEqual({ locks: { b: 1 }, list: [1, 2] });
    cur.locks.a = 0; // same keys and values as prev, but in another order
    cur.list.push(3);
    const again = snapshotOf(cur, next);
    expect(Object.keys(again.locks)).toEqual(["b", "a"]);
    expect(again.list).toEqual([1, 2, 3]);
  });

  it("freezes every node it makes and never the working copy", () => {
    const cur = { a: { b: [1, { c: 2 }] } };
    const s = snapshotOf(cur, undefined);
    expect(Object.isFrozen(s) && Object.isFrozen(s.a) && Object.isFrozen(s.a.b) && Object.isFrozen(s.a.b[1])).toBe(true);
    expect(Object.isFrozen(cur) || Object.isFrozen(cur.a)).toBe(false);
  });

  it("gives a value equal to the working copy, in the same key order, for any edits (property)", () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(json, json, (a, b) => {
        const prev = snapshotOf(a, undefined);
        const next = snapshotOf(b, prev);
        expect(JSON.stringify(next)).toBe(JSON.stringify(b));
        expect(JSON.stringify(thaw(next))).toBe(JSON.stringify(b));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("thaw", () => {
  it("keeps a key named __proto__ as a property (JSON.parse makes it one)", () => {
    const v = JSON.parse('{"__proto__":{"x":1},"a":[{"__proto__":2}]}') as unknown;
    const s = snapshotOf(v, undefined);
    expect(JSON.stringify(s)).toBe(JSON.stringify(v));
    expect(JSON.stringify(thaw(s))).toBe(JSON.stringify(v));
    expect(Object.getPrototypeOf(thaw(s))).toBe(Object.prototype);
  });

  it("is a mutable deep copy", () => {
    const s = snapshotOf({ a: [{ b: 1 }], c: null, d: "x" }, undefined);
    const w = thaw(s);
    expect(w).toEqual(s);
    w.a[0]!.b = 2;
    expect(s.a[0]!.b).toBe(1);
    expect(Object.isFrozen(w.a[0])).toBe(false);
  });
});
