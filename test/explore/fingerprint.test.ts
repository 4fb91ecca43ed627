import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { varsHash, varsHashUpdate } from "../../src/explore/fingerprint.js";

describe("the shared-variable part of the exploration fingerprint", () => {
  it("kept up to date from var events equals recomputing it from the variables", () => {
    const name = fc.constantFrom("cpu_last_asid", "asid_generation", "active_asids[0]", "A.context.id", "asid_map[3]");
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.integer({ min: 0, max: 5 })), { maxLength: 40 }), (writes) => {
        const vars: Record<string, number> = {};
        let h = varsHash(vars);
        for (const [k, value] of writes) {
          const old = vars[k] ?? 0;
          vars[k] = value;
          h = varsHashUpdate(h, k, old, value);
        }
        expect(h).toBe(varsHash(vars));
      }),
    );
  });

  it("does not depend on the order the variables were created in", () => {
    expect(varsHash({ a: 1, b: 2, c: 0 })).toBe(varsHash({ c: 0, b: 2, a: 1 }));
    expect(varsHash({ a: 1, b: 2 })).not.toBe(varsHash({ a: 2, b: 1 }));
  });
});
