/** The bench's stateful rows: stateless DPOR, stateful DFS and stateful DPOR side by side, a capped search said so. */
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../scenarios/index.js";
import { formatStateful, statefulSection } from "../../src/bench/stateful-bench.js";

describe("bench: stateful search rows", () => {
  it("measures stateless dpor, stateful dfs and stateful dpor on the same scenario, with states stored and bytes a state", async () => {
    const s = await statefulSection([loadScenario("tlb-shootdown-munmap").scenario], true, () => undefined);
    expect(s.rows.map((r) => r.search)).toEqual(["dpor (stateless)", "dfs --stateful (hash)", "dpor --stateful (hash)"]);
    const [dpor, st, sdpor] = s.rows;
    expect(sdpor!.states).toBeGreaterThan(0);
    expect(sdpor!.exhausted).toBe(true);
    expect(dpor!.states).toBeUndefined();
    expect(st!.states).toBeGreaterThan(0);
    expect(st!.transitions).toBeGreaterThanOrEqual(st!.states!);
    expect(st!.bytesPerState).toBeGreaterThan(0);
    expect(formatStateful(s)).toMatch(/tlb-shootdown-munmap\s+dfs --stateful \(hash\)/);
    expect(formatStateful(s)).toMatch(/tlb-shootdown-munmap\s+dpor --stateful \(hash\)/);
  }, 60_000);

  it("measures stateless and stateful dfs within a preemption bound, labelled with it", async () => {
    const scenario = loadScenario("tlb-shootdown-munmap").scenario;
    const s = await statefulSection([], true, () => undefined, [{ scenario, preemptions: 1, label: "munmap P1" }]);
    expect(s.rows.map((r) => r.search)).toEqual(["dfs (stateless, P=1)", "dfs --stateful (hash, P=1)"]);
    expect(s.rows.every((r) => r.scenario === "munmap P1" && r.exhausted)).toBe(true);
    expect(s.rows[1]!.states).toBeGreaterThan(0);
    expect(formatStateful(s)).toMatch(/munmap P1\s+dfs --stateful \(hash, P=1\)/);
  }, 60_000);

  it("says when a search did not finish within the cap", () => {
    const text = formatStateful({
      capSeconds: 120,
      rows: [
        { scenario: "x", search: "dpor (stateless)", schedules: 5, seconds: 120, heapMB: 1, exhausted: false, verdict: "clean" },
      ],
    });
    expect(text).toMatch(/clean, NOT exhausted within 120 s/);
  });
});
