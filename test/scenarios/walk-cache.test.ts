/**
 * Walk caches and page-table page reuse (machine.walkCache): freeing a table page with only a
 * last-level TLBI lets another core walk through its stale level-1 entry into the reused page
 * (walk-cache-table-free-last-level); with arm64's walk-cache invalidation it is clean. Off, a
 * scenario cannot free table pages at all, and the machine state has no walk caches.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { builtinScenarios, readScenario } from "../../scenarios/index.js";
import { explore } from "../../src/explore/explorer.js";
import { runScenario } from "../../src/run/run-scenario.js";
import type { Scenario } from "../../src/scenario/types.js";
import { cli } from "../kernel/kernel-helpers.js";
import { allocatorOf, builtin, runWith } from "../support/sim.js";

const search = (s: Scenario, budget: number) =>
  explore({ target: { scenario: s, allocator: allocatorOf(s) }, strategy: "dpor", budget, seed: 1, depth: 3, preemptions: 2 });

const rawOf = (id: string): Record<string, any> =>
  structuredClone(builtinScenarios.find((b) => b.id === id)!.raw) as Record<string, any>;

const dir = mkdtempSync(join(tmpdir(), "smpsim-walk-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("walk caches and freed page-table pages", () => {
  it("finds a walk through a stale walk-cache entry into the reused table page when the free used only a last-level TLBI", () => {
    const res = search(builtin("walk-cache-table-free-last-level"), 400);
    expect(res.found?.violation.invariant).toBe("translation-coherence");
    expect(res.found?.violation.message).toMatch(
      /through a walk-cache entry .* which was freed and was reused as table A's page for 0x400000/,
    );
  });

  it("is clean when the free invalidates the walk cache (TLBI VAE1IS) before the page goes back", () => {
    const res = search(builtin("walk-cache-table-free"), 300);
    expect(res.found).toBeNull();
  });

  it("reuses the freed page for the next table page and links it (pte_alloc)", () => {
    const r = runWith(builtin("walk-cache-table-free"), { strategy: "fifo" });
    const unlink = r.events.find((e) => e.type === "pt.unlink");
    const alloc = r.events.find((e) => e.type === "pte.write" && e.ptAlloc !== undefined);
    expect(unlink && alloc && unlink.type === "pt.unlink" && alloc.type === "pte.write" && alloc.ptAlloc === unlink.pfn).toBe(
      true,
    );
    expect(r.state.pt?.pmd.A).toEqual({ 2: (unlink as { pfn: number }).pfn });
  });

  it("has no walk caches or table pages when off", () => {
    const r = runWith(builtin("tlb-shootdown-munmap"), { strategy: "fifo" });
    expect(r.state.pt).toBeUndefined();
    expect(r.state.cores.every((c) => c.walkCache === undefined)).toBe(true);
  });

  it("refuses free-table without machine.walkCache, naming the task's script", () => {
    const raw = rawOf("walk-cache-table-free");
    delete raw.machine.walkCache;
    expect(() => readScenario(raw, "s.json")).toThrow(/tasks\[0\]\.script.*free-table needs machine\.walkCache/);
  });

  it("reads walkCache true as 4 ASID-tagged entries and rejects an unknown field", () => {
    const raw = rawOf("walk-cache-table-free");
    raw.machine.walkCache = true;
    expect(readScenario(raw, "s.json").machine.walkCache).toEqual({ entries: 4, asidTagged: true });
    raw.machine.walkCache = { entrys: 2 };
    expect(() => readScenario(raw, "s.json")).toThrow(/machine\.walkCache/);
  });

  it("shows the stale walk-cache entry in debug's tlb and why, and replays and verifies the log", async () => {
    const log = join(dir, "wc.log");
    const s = builtin("walk-cache-table-free-last-level");
    await runScenario({
      scenario: s,
      baseDir: dir,
      seed: 1,
      strategy: "random",
      schedule: s.schedule.choices!,
      log: { path: log, force: true },
    });
    expect(cli(["replay", log, "--verify"]).stdout).toMatch(/re-execution: every event identical; verified/);
    const dbg = cli(["debug", log, "--eval", "goto 64; tlb 1; goto end; why 1 0x200000"]).stdout;
    expect(dbg).toMatch(/core 1 walk cache: 1 of 4 level-1 entries/);
    expect(dbg).toMatch(/STALE: the page is now A's table for 0x400000/);
    expect(dbg).toMatch(/level 1: from the walk cache, table page 0x70000000/);
  });
});
