/**
 * `--order` for DPOR: random tie-breaks, or a PCT schedule after each DPOR one. Either way the DPOR
 * search covers what it covers in listed order (same verdict, same final states when exhausted);
 * interleaved with PCT, an unfinished search samples more of the space than DPOR's one corner.
 */
import { describe, expect, it } from "vitest";
import type { ExploreResult } from "../../src/explore/explorer.js";
import { builtinTarget, run, tinyTarget } from "./explore-helpers.js";

const verdict = (r: ExploreResult): string => r.found?.violation.invariant ?? "clean";
const finals = (r: ExploreResult): string[] => [...r.fingerprints!.finals].sort();

describe("dpor --order", () => {
  it.each([
    // Tiny scenarios (a clean one, a violation, speculative walks): unbounded DPOR on the built-in
    // munmap took minutes under load three times over; the unbounded stateful test checks it once.
    ["tiny munmap, broadcast", () => tinyTarget()],
    ["tiny munmap, local only", () => tinyTarget({ shootdown: "local" })],
    [
      "tiny munmap with speculative walks",
      () => tinyTarget({ machine: { speculation: { enabled: true, rate: 0.2, vas: ["0x8000"] } } }),
    ],
  ] as const)(
    "%s: random and pct orders give listed order's verdict and final states",
    async (_, target) => {
      const t = await target();
      const first = run(t, "dpor", { budget: 100_000, keepFingerprints: true });
      for (const order of ["random", "pct"] as const) {
        for (const seed of [1]) {
          const r = run(t, "dpor", { budget: 100_000, keepFingerprints: true, dporOrder: order, seed });
          expect(verdict(r), `${order} seed ${seed}`).toBe(verdict(first));
          if (!first.found) {
            expect(r.exhausted, order).toBe(true);
            expect(finals(r), order).toEqual(finals(first));
          }
        }
      }
    },
    120_000,
  );

  it("interleaved with pct, an unfinished search reaches more final states than dpor alone", async () => {
    const t = await builtinTarget("asid-small-arm64");
    const alone = run(t, "dpor", { budget: 1000 });
    const mixed = run(t, "dpor", { budget: 1000, dporOrder: "pct" });
    expect(alone.exhausted).toBe(false);
    expect(mixed.exhausted).toBe(false);
    expect(mixed.distinctFinalStates).toBeGreaterThan(alone.distinctFinalStates);
  }, 120_000);
});
