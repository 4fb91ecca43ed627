/**
 * Threads of one mm running on two cores at once use one ASID (the TLA+ model's SameASIDActiveTask),
 * under every built-in allocator and across roll-overs: per generation the mm has one ASID, every
 * core that announces the mm in that generation announces that ASID, and when both threads run at
 * once in one generation their contexts and CONTEXTIDRs agree. A per-CPU allocator that ignores the
 * mm is caught by same-asid-threads, which shows the check can fail.
 */
import { describe, expect, it } from "vitest";
import type { Program } from "../../src/engine/ops.js";
import type { SimEvent } from "../../src/events/index.js";
import type { AsidAllocator } from "../../src/kernel/asid/allocator.js";
import { contextVar } from "../../src/kernel/context.js";
import { makeChooser } from "../../src/run/run-scenario.js";
import { simulate } from "../../src/run/simulate.js";
import { fold, is, load, run, where } from "./kernel-helpers.js";

const ALLOCATORS = ["static", "linux-2.6.36", "linux-3.10", "linux-4.x", "arm64", "arm64-xchg", "arm64-cmpxchg"] as const;
const SEEDS = [1, 2, 3, 4, 5, 6];
const THREADS = new Set(["T.0", "T.1"]);

/** mm T with a thread pinned to core 0 and one to core 1, and eight single-threaded mms that migrate. */
function threadLoad(allocator: string) {
  return load({
    id: `threads-${allocator}`,
    cores: 2,
    // 3 bits make the real allocators roll over; the static one needs an ASID per mm.
    asidBits: allocator === "static" ? 8 : 3,
    allocator,
    mms: 8,
    slices: 2,
    threadsOn: [0, 1],
    threadSlices: 12,
  });
}

describe.each(ALLOCATORS)("threads of one mm on two cores under %s", (allocator) => {
  it("use one ASID per generation, and same-asid-threads never fires", async () => {
    const scenario = threadLoad(allocator);
    let together = 0;
    let togetherAfterRollover = 0;
    let rollovers = 0;
    for (const seed of SEEDS) {
      const r = await run(scenario, seed);
      const at = where(scenario, seed, r);
      expect(r.outcome.violation, at).toBeNull();
      expect(r.outcome.reason, at).toBe("done");
      rollovers += r.events.filter(is("asid.rollover")).length;

      // The allocator's decisions: one ASID for T per generation, whichever core announced it.
      const byGen = new Map<number, Set<number>>();
      const coresOf = new Map<number, Set<number>>();
      for (const a of r.events.filter(is("asid.assign")).filter((e) => e.mm === "T")) {
        (byGen.get(a.generation) ?? byGen.set(a.generation, new Set()).get(a.generation)!).add(a.asid);
        (coresOf.get(a.generation) ?? coresOf.set(a.generation, new Set()).get(a.generation)!).add(a.core);
      }
      for (const [g, asids] of byGen) expect([...asids], `${at}: ASIDs of mm T in generation ${g}`).toHaveLength(1);
      expect(
        [...coresOf.values()].some((cs) => cs.size === 2),
        `${at}: both cores ran T in one generation`,
      ).toBe(true);

      // The machine: whenever both cores run a thread of T in one generation, they agree on the ASID,
      // and once both have loaded it, CONTEXTIDR agrees too.
      fold(scenario, r.events, (s, ev: SimEvent) => {
        const [c0, c1] = [s.cores[0]!, s.cores[1]!];
        if (!THREADS.has(c0.task) || !THREADS.has(c1.task)) return;
        if (c0.ctx?.mm !== "T" || c1.ctx?.mm !== "T" || c0.ctx.generation !== c1.ctx.generation) return;
        together++;
        if (c0.ctx.generation > 1) togetherAfterRollover++;
        expect(c0.ctx.asid, `${at}: after event ${ev.seq}`).toBe(c1.ctx.asid);
        const loaded = [c0, c1].filter((c) => c.regs.ttbr0 === "T" && c.regs.asid !== 0);
        if (loaded.length === 2) expect(c0.regs.asid, `${at}: CONTEXTIDR after event ${ev.seq}`).toBe(c1.regs.asid);
      });
    }
    expect(together, "moments both threads ran at once in one generation").toBeGreaterThan(0);
    if (allocator !== "static") {
      expect(rollovers).toBeGreaterThan(0);
      expect(togetherAfterRollover, "moments both threads ran at once after T changed generation").toBeGreaterThan(0);
    }
  });
});

describe("a per-CPU allocator that ignores the mm", () => {
  /** ASID = mm's index * cores + cpu + 1: unique per (mm, CPU), so threads on two CPUs disagree. */
  const perCpu: AsidAllocator = {
    name: "per-cpu",
    source: "test: a broken allocator",
    initialVars(mms) {
      return Object.fromEntries(mms.map((mm, i) => [contextVar(mm), i]));
    },
    *switchMm(k, cpu, mm): Program {
      const index = yield { k: "read", name: contextVar(mm) };
      const asid = index * k.cores + cpu + 1;
      yield { k: "note", ev: { type: "asid.assign", mm, generation: 0, asid } };
      yield* k.switchTo(cpu, mm, asid);
    },
    ipiHandlers: {},
  };

  it("is caught by same-asid-threads when both threads run at once", () => {
    const scenario = load({
      id: "threads-per-cpu",
      cores: 2,
      asidBits: 8,
      allocator: "static",
      mms: 2,
      slices: 2,
      pinned: true,
      threadsOn: [0, 1],
    });
    const hits: string[] = [];
    for (const seed of SEEDS) {
      const events: SimEvent[] = [];
      const { outcome } = simulate(scenario, perCpu, makeChooser("random", seed, 0, scenario.schedule.windowCycles), (e) =>
        events.push(e),
      );
      if (outcome.violation) hits.push(outcome.violation.invariant);
      if (outcome.violation?.invariant === "same-asid-threads") {
        expect(outcome.violation.message).toMatch(
          /threads of mm T run under two hardware ASIDs: 0:\d+ on core \d and 0:\d+ on core \d/,
        );
      }
    }
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h === "same-asid-threads")).toBe(true);
  });

  it("is caught by same-asid-threads even when the two cores believe they are in different generations", () => {
    // The same broken allocator, each CPU claiming a generation of its own: the old check, which only
    // compared cores of one generation, never looked at such a pair (kernel-tla's SameASIDActiveTask does).
    const perCpuGeneration: AsidAllocator = {
      ...perCpu,
      *switchMm(k, cpu, mm): Program {
        const index = yield { k: "read", name: contextVar(mm) };
        const asid = index * k.cores + cpu + 1;
        yield { k: "note", ev: { type: "asid.assign", mm, generation: cpu + 1, asid } };
        yield* k.switchTo(cpu, mm, asid);
      },
    };
    const scenario = load({
      id: "threads-per-cpu-gen",
      cores: 2,
      asidBits: 8,
      allocator: "static",
      mms: 2,
      slices: 2,
      pinned: true,
      threadsOn: [0, 1],
    });
    const hits: string[] = [];
    for (const seed of SEEDS) {
      const { outcome } = simulate(
        scenario,
        perCpuGeneration,
        makeChooser("random", seed, 0, scenario.schedule.windowCycles),
        () => {},
      );
      if (outcome.violation) hits.push(outcome.violation.invariant);
    }
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h === "same-asid-threads")).toBe(true);
  });
});
