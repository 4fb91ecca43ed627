/**
 * Shrinking a found violation, as fast-check shrinks an input: the result breaks the same invariant,
 * never has more events or more choices than what it started from, and its picks replay strictly to
 * the same violation. The per-core column view of the shrunk interleaving puts each core's events in
 * its own column and ends with the violation.
 */
import { describe, expect, it } from "vitest";
import { FifoChooser, ScheduleChooser } from "../../src/engine/chooser.js";
import type { SimEvent } from "../../src/events/index.js";
import { columns } from "../../src/explore/columns.js";
import { execute, type ExecutionTarget } from "../../src/explore/execution.js";
import { shrink } from "../../src/explore/shrink.js";
import type { StrategyName } from "../../src/explore/strategy.js";
import { builtinTarget, run } from "./explore-helpers.js";

const strict = (picks: readonly number[]) => new ScheduleChooser(picks, new FifoChooser(), true);

function eventsOf(t: ExecutionTarget, picks: readonly number[]): SimEvent[] {
  const events: SimEvent[] = [];
  execute(t, strict(picks), { onEvent: (ev) => events.push(ev) });
  return events;
}

const CASES: [string, StrategyName, number][] = [
  ["tlb-shootdown-munmap-local-only", "random", 1],
  ["tlb-shootdown-munmap-local-only", "random", 4],
  ["tlb-shootdown-munmap-local-only", "pct", 1],
  ["tlb-shootdown-munmap-local-only", "dfs", 1],
  ["tlb-shootdown-munmap-local-only", "dpor", 1],
  ["asid-switch-no-reserved", "random", 1],
  ["asid-switch-no-reserved", "pct", 2],
  ["asid-switch-no-reserved", "dpor", 1],
  ["asid-small-ipi", "random", 1],
];

describe("shrinking a found violation", () => {
  it.each(CASES)(
    "%s found by %s (seed %i): same invariant, no more events or choices, replays strictly",
    async (name, strategy, seed) => {
      const t = await builtinTarget(name);
      const r = run(t, strategy, { seed, budget: 20_000 });
      expect(r.found, `${strategy} found nothing in ${name}`).not.toBeNull();
      const found = r.found!;
      const original = execute(t, strict(found.picks));
      expect(original.violation).toEqual(found.violation);

      const s = shrink(t, found.picks, found.violation.invariant);
      expect(s.exec.violation?.invariant).toBe(found.violation.invariant);
      expect(s.exec.events).toBeLessThanOrEqual(original.events);
      expect(s.exec.picks.length).toBeLessThanOrEqual(original.picks.length);
      expect(s.attempts).toBeGreaterThanOrEqual(1);
      expect(s.attempts).toBeLessThanOrEqual(3000);
      // The explicit prefix is the start of the picks the run made; the rest is the fifo default.
      expect(s.prefix.length).toBeLessThanOrEqual(s.exec.picks.length);
      expect(s.exec.picks.slice(0, s.prefix.length)).toEqual(s.prefix);
      const fromPrefix = execute(t, new ScheduleChooser(s.prefix, new FifoChooser(), false));
      expect(fromPrefix.picks).toEqual(s.exec.picks);

      // The shrunk picks are a complete schedule: strictly replayed, they reach the same violation at the same event.
      const replay = execute(t, strict(s.exec.picks));
      expect(replay.violation).toEqual(s.exec.violation);
      expect(replay.events).toBe(s.exec.events);
      expect(replay.picks).toEqual(s.exec.picks);
      expect(replay.finalHash).toBe(s.exec.finalHash);
    },
  );

  it("makes a long random counterexample strictly smaller", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap-local-only");
    const found = run(t, "random", { seed: 1, budget: 2000 }).found!;
    const original = execute(t, strict(found.picks));
    const s = shrink(t, found.picks, found.violation.invariant);
    expect(s.exec.events < original.events || s.exec.picks.length < original.picks.length).toBe(true);
  });

  it("is deterministic, and shrinking the result again does not grow it", async () => {
    const t = await builtinTarget("asid-switch-no-reserved");
    const found = run(t, "random", { seed: 1, budget: 2000 }).found!;
    const a = shrink(t, found.picks, found.violation.invariant);
    const b = shrink(t, found.picks, found.violation.invariant);
    expect(b).toEqual(a);
    const again = shrink(t, a.exec.picks, found.violation.invariant);
    expect(again.exec.violation?.invariant).toBe(found.violation.invariant);
    expect(again.exec.events).toBeLessThanOrEqual(a.exec.events);
    expect(again.exec.picks.length).toBeLessThanOrEqual(a.exec.picks.length);
  });

  it("stops after maxAttempts re-executions", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap-local-only");
    const found = run(t, "random", { seed: 1, budget: 2000 }).found!;
    const s = shrink(t, found.picks, found.violation.invariant, 5);
    expect(s.attempts).toBeLessThanOrEqual(5);
    expect(s.exec.violation?.invariant).toBe(found.violation.invariant);
  });

  it("refuses a schedule that does not violate the invariant", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap-local-only");
    const clean = execute(t, new FifoChooser());
    expect(clean.violation).toBeNull();
    expect(() => shrink(t, clean.picks, "translation-coherence")).toThrow(/does not reproduce/);
  });

  it("refuses a schedule that violates a different invariant", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap-local-only");
    const found = run(t, "pct", { budget: 2000 }).found!;
    expect(() => shrink(t, found.picks, "isolation")).toThrow(/does not reproduce/);
  });
});

describe("the per-core column view", () => {
  /** Where each core's column starts on a line: after the 6-digit seq and two spaces. */
  const colStart = (core: number, width: number): number => 8 + core * (width + 1);

  async function shrunkEvents(name: string) {
    const t = await builtinTarget(name);
    const found = run(t, "pct", { budget: 20_000 }).found!;
    const s = shrink(t, found.picks, found.violation.invariant);
    return { t, events: eventsOf(t, s.exec.picks), invariant: found.violation.invariant };
  }

  it.each(["tlb-shootdown-munmap-local-only", "asid-switch-no-reserved"])(
    "%s: every event sits in its core's column, choices are left out, and it ends with the violation",
    async (name) => {
      const { t, events, invariant } = await shrunkEvents(name);
      const cores = t.scenario.machine.cores;
      const width = 48; // the default for two cores
      const text = columns(events, cores, 1_000);
      const lines = text.split("\n");
      const [head, ...rows] = lines;
      for (let c = 0; c < cores; c++) expect(head!.slice(colStart(c, width)).startsWith(`core ${c}`), head).toBe(true);
      const shown = events.filter((e) => e.type !== "choice");
      expect(events.some((e) => e.type === "choice")).toBe(true);
      expect(rows).toHaveLength(shown.length);
      const used = new Set<number>();
      rows.forEach((row, i) => {
        const ev = shown[i]!;
        expect(row.slice(0, 6).trim()).toBe(String(ev.seq));
        if (ev.core < 0) return;
        used.add(ev.core);
        const at = colStart(ev.core, width);
        // Blank up to its own column, something in it, nothing after it.
        expect(row.slice(8, at).trim(), row).toBe("");
        expect(row.slice(at, at + width).trim().length, row).toBeGreaterThan(0);
        expect(row.slice(at + width).trim(), row).toBe("");
      });
      // Only the cores the shrunk race needs appear (asid-switch-no-reserved needs core 0 alone).
      expect([...used].every((c) => c >= 0 && c < cores)).toBe(true);
      expect(used.size).toBeGreaterThan(0);
      expect(rows.at(-1)).toContain(`VIOLATION ${invariant}`);
    },
  );

  it("shows only the last `rows` events, still ending with the violation, in the width asked for", async () => {
    const { events, invariant } = await shrunkEvents("tlb-shootdown-munmap-local-only");
    const width = 30;
    const lines = columns(events, 2, 10, width).split("\n");
    expect(lines).toHaveLength(11);
    expect(lines[0]!.slice(colStart(1, width)).startsWith("core 1")).toBe(true);
    expect(lines.at(-1)).toContain(`VIOLATION ${invariant}`);
    for (const row of lines.slice(1)) expect(row.length).toBeLessThanOrEqual(colStart(1, width) + width);
  });
});
