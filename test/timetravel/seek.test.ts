/**
 * Snapshots are a cache, never the truth: for random logs (built-in scenarios, random seeds, cut at
 * random points like a truncated log), random K and random targets, seek(n) equals the plain fold of
 * the first n events, applies at most K - 1 events, and back(k) equals seek(n - k). Snapshots are
 * frozen, share what did not change, and survive the folds that follow them untouched.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldEvents } from "../../src/replay/fold.js";
import { scenarioInitialState } from "../../src/run/simulate.js";
import { stateHash } from "../../src/state/hash.js";
import { Timeline } from "../../src/timetravel/timeline.js";
import { allocatorOf, builtin, runWith, type Run } from "../support/sim.js";

const IDS = [
  "tlb-shootdown-munmap",
  "tlb-shootdown-munmap-local-only",
  "asid-rollover-ipi",
  "asid-rollover-generation",
  "asid-arm64",
  "asid-switch-no-reserved",
  "asid-rollover-ipi-irq-window",
  "default",
];

const runs = new Map<string, Run>();
function runOf(id: string, seed: number): Run {
  const key = `${id}/${seed}`;
  let r = runs.get(key);
  if (!r) runs.set(key, (r = runWith(builtin(id), { seed })));
  return r;
}

const timelineOf = (r: Run, k: number, upTo = r.events.length): Timeline =>
  new Timeline(scenarioInitialState(r.scenario, allocatorOf(r.scenario)), r.events.slice(0, upTo), k);

const plainFold = (r: Run, n: number) => foldEvents(r.scenario, allocatorOf(r.scenario), r.events, n, false).state;

const logArb = fc.record({
  id: fc.constantFrom(...IDS),
  seed: fc.integer({ min: 1, max: 6 }),
  k: fc.integer({ min: 1, max: 300 }),
  cut: fc.double({ min: 0.05, max: 1, noNaN: true }),
  targets: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }),
  backs: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 5 }),
});

describe("seek equals the plain fold", () => {
  it("for random logs, K and targets (property)", () => {
    fc.assert(
      fc.property(logArb, ({ id, seed, k, cut, targets, backs }) => {
        const r = runOf(id, seed);
        const len = Math.max(1, Math.floor(r.events.length * cut));
        const tl = timelineOf(r, k, len);
        for (const x of targets) {
          const n = Math.floor(x * len);
          const s = tl.seek(n);
          expect(tl.position).toBe(n);
          expect(tl.lastApplied).toBeLessThan(k);
          const fold = plainFold(r, n);
          expect(s).toEqual(fold);
          // Key order too (a lock taken again moves to the end of `locks`): the same JSON, byte for byte.
          expect(JSON.stringify(s)).toBe(JSON.stringify(fold));
          for (const b of backs) {
            const before = tl.position;
            tl.back(b);
            expect(tl.lastApplied).toBeLessThan(k);
            expect(tl.current).toEqual(tl.state(Math.max(0, before - b)));
            tl.seek(before);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("at every position of a small log, with K = 7, forwards and backwards", () => {
    const r = runOf("tlb-shootdown-munmap-local-only", 9);
    const tl = timelineOf(r, 7);
    const hashes = Array.from({ length: r.events.length + 1 }, (_, n) => stateHash(plainFold(r, n)));
    for (let n = 0; n <= r.events.length; n++) expect(stateHash(tl.seek(n)), `seek ${n}`).toBe(hashes[n]);
    for (let n = r.events.length; n > 0; n--) {
      tl.back();
      expect(stateHash(tl.current), `back to ${n - 1}`).toBe(hashes[n - 1]);
    }
    expect(tl.step(1_000_000)).toEqual(r.state);
    expect(tl.position).toBe(r.events.length);
    expect(tl.back(1_000_000)).toEqual(plainFold(r, 0));
  });

  it("keeps its snapshots frozen, shared where unchanged, and untouched by later seeks", () => {
    const r = runOf("asid-rollover-ipi", 3);
    const tl = timelineOf(r, 64);
    const snaps = tl.snapshots;
    expect(snaps.count).toBe(Math.floor(r.events.length / 64) + 1);
    const s1 = snaps.at(1);
    const hash1 = stateHash(s1);
    expect(Object.isFrozen(s1)).toBe(true);
    expect(Object.isFrozen(s1.cores[0]!.tlb)).toBe(true);
    // The page tables never change in this scenario: every snapshot holds the same object.
    for (let i = 1; i < snaps.count; i++) expect(snaps.at(i).tables).toBe(snaps.at(0).tables);
    // Some core's TLB is untouched across some interval, and then shared as is.
    let shared = 0;
    for (let i = 1; i < snaps.count; i++)
      for (let c = 0; c < 4; c++) if (snaps.at(i).cores[c]!.tlb === snaps.at(i - 1).cores[c]!.tlb) shared++;
    expect(shared).toBeGreaterThan(0);
    for (const n of [70, 65, 3000, 10, r.events.length]) tl.seek(n);
    tl.state(100).cores[0]!.tlb.length = 0; // the caller's own copy
    expect(stateHash(snaps.at(1))).toBe(hash1);
    expect(snaps.at(1)).toEqual(plainFold(r, 64));
  });

  it("state(n) is the caller's copy and leaves the cursor where it was", () => {
    const r = runOf("tlb-shootdown-munmap", 3);
    const tl = timelineOf(r, 16);
    tl.seek(40);
    const s = tl.state(20);
    s.vars.extra = 1;
    expect(tl.position).toBe(40);
    expect(tl.state(20)).toEqual(plainFold(r, 20));
    expect(tl.current).toEqual(plainFold(r, 40));
    expect(() => tl.state(r.events.length + 1)).toThrow(RangeError);
  });

  it("rejects a K that is not a positive integer", () => {
    const r = runOf("tlb-shootdown-munmap", 3);
    expect(() => timelineOf(r, 0)).toThrow(/positive integer/);
    expect(() => timelineOf(r, 2.5)).toThrow(/positive integer/);
  });
});
