/**
 * The external merge sort behind `smpsim trace` (src/trace/spill-sort.ts): whatever the spill limit,
 * including more runs than are merged at once, draining gives every item in key order, and leaves
 * no run file behind.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { compareKeys, jsonCodec, SpillSorter } from "../../src/trace/spill-sort.js";

// A directory of this file's own for the run files: other tests and processes use the system's.
const root = mkdtempSync(join(tmpdir(), "smpsim-spill-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const runDirs = (): string[] => readdirSync(root);

describe("the spilling sorter", () => {
  it("drains every item in key order for any spill limit, through run files merged in rounds", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 3 })), { maxLength: 300 }),
        fc.integer({ min: 1, max: 7 }),
        (pairs, limit) => {
          // Keys made unique by the index, as the exporter's are; the item carries a string to round-trip.
          const keyed = pairs.map(([a, b], i) => ({ key: [a, b, i], item: { name: `é${a}\t${b}`, i } }));
          const s = new SpillSorter<{ name: string; i: number }>(jsonCodec(), limit, root);
          for (const { key, item } of keyed) s.add(key, item);
          const want = [...keyed].sort((x, y) => compareKeys(x.key, y.key)).map((k) => k.item);
          expect([...s.drain()]).toEqual(want);
        },
      ),
      { numRuns: 60, seed: 15 },
    );
    // 200 runs of one item: merged into one at 64, 127 and 190 runs before the drain.
    const s = new SpillSorter<number>(jsonCodec(), 1, root);
    for (let i = 0; i < 200; i++) s.add([(i * 37) % 200], i);
    expect([...s.drain()].map((i) => (i * 37) % 200)).toEqual(Array.from({ length: 200 }, (_, k) => k));
  });

  it("removes its run files when a drain is abandoned and disposed", () => {
    const before = runDirs().length;
    const s = new SpillSorter<number>(jsonCodec(), 2, root);
    for (let i = 0; i < 10; i++) s.add([10 - i], i);
    expect(runDirs().length).toBe(before + 1);
    const it = s.drain();
    expect(it.next().value).toBe(9);
    s.dispose();
    expect(runDirs().length).toBe(before);
  });
});
