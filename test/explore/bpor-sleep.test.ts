/**
 * Sleep sets under a preemption bound (src/explore/bpor.ts, sleepsWithinBound): a sibling explored
 * first sleeps only where the schedule it stands for costs no more preemptions than the one it prunes.
 * The property checks that claim by counting preemptions (dfs.ts's definition) on both orders of
 * made-up steps; the examples name the cases DPOR meets.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sleepsWithinBound } from "../../src/explore/bpor.js";

/** A step: its thread and whether that thread was still ready right after it. */
interface Step {
  key: number;
  ready: boolean;
}

/** Preemptions of `steps` run after `prev` (its key, and whether it was still ready): switches away from a ready key. */
function preemptions(prev: Step | null, steps: readonly Step[]): number {
  let n = 0;
  let last = prev;
  for (const s of steps) {
    if (last && last.ready && s.key !== last.key) n++;
    last = s;
  }
  return n;
}

const P = 0;
const T = 1;
const U = 2;

describe("which explored sibling may sleep under a preemption bound", () => {
  it("the thread that ran on sleeps in the branch that preempted it", () => {
    expect(sleepsWithinBound([P, U], P, P, U, true)).toBe(true);
  });

  it("at a free choice point, a thread that stays ready after its step does not sleep", () => {
    // u·t·t′ with t′ dependent on u is free; every equivalent starting with t switches t→u while t is ready.
    expect(sleepsWithinBound([T, U], -1, T, U, true)).toBe(false);
    expect(
      preemptions(null, [
        { key: U, ready: false },
        { key: T, ready: true },
        { key: T, ready: false },
      ]),
    ).toBe(0);
    expect(
      preemptions(null, [
        { key: T, ready: true },
        { key: U, ready: false },
        { key: T, ready: false },
      ]),
    ).toBe(1);
  });

  it("a thread whose step left it waiting or finished sleeps where switching to it cost no more than to the other", () => {
    expect(sleepsWithinBound([T, U], -1, T, U, false)).toBe(true);
    expect(sleepsWithinBound([P, T, U], P, T, U, false)).toBe(true);
    expect(sleepsWithinBound([P, T, U], P, T, P, false)).toBe(false);
  });

  it("never lets a sleeper prune a schedule whose explored equivalent needs more preemptions", () => {
    // E = u·w·t·ρ (pruned: t asleep until a step dependent on it) against E′ = t·u·w·ρ (explored).
    const key = fc.integer({ min: 0, max: 3 });
    const step = (k: fc.Arbitrary<number>) => fc.record({ key: k, ready: fc.boolean() });
    fc.assert(
      fc.property(
        fc.option(step(key), { nil: null }),
        key,
        key,
        fc.boolean(),
        fc.boolean(),
        fc.array(step(key), { maxLength: 3 }),
        fc.array(step(key), { maxLength: 3 }),
        (prev, t, u, tReady, uReady, w, rho) => {
          fc.pre(t !== u && w.every((s) => s.key !== t));
          const tStep = { key: t, ready: tReady };
          const uStep = { key: u, ready: uReady };
          const e = [uStep, ...w, tStep, ...rho];
          const e2 = [tStep, uStep, ...w, ...rho];
          // Only schedules that can happen: a thread not ready after its step does not run next (in either order).
          const before = prev ? [prev] : [];
          const possible = (xs: readonly Step[]): boolean =>
            xs.every((s, i) => i === 0 || xs[i - 1]!.ready || xs[i - 1]!.key !== s.key);
          fc.pre(possible([...before, ...e]) && possible([...before, ...e2]));
          const keys = prev ? [prev.key, t, u] : [t, u];
          const prevKey = prev && prev.ready ? prev.key : -1;
          if (sleepsWithinBound(keys, prevKey, t, u, tReady)) {
            expect(preemptions(prev, e2)).toBeLessThanOrEqual(preemptions(prev, e));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
