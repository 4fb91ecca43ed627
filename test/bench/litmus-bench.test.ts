import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatLitmus, litmusSection } from "../../src/bench/litmus-bench.js";

describe("litmus bench row (no timing assertions)", () => {
  it("times the whole test/litmus suite and judges it against the per-test target", () => {
    const s = litmusSection(join(dirname(fileURLToPath(import.meta.url)), "../litmus"));
    expect(s.tests).toBeGreaterThanOrEqual(40);
    expect(s.coldSeconds).toBeGreaterThan(0);
    expect(s.warmSeconds).toBeGreaterThan(0);
    expect(formatLitmus(s)).toMatch(/ms a test (PASS|MISS)/);
  });
});
