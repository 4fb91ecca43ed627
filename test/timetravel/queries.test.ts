/**
 * The questions a debugger asks of a timeline, on real runs: why (provenance of a TLB entry, on the
 * munmap-with-local-TLBI violation, through a log file as `smpsim debug` opens it), diff, find and
 * watch, the last two against brute force over every state.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../../scenarios/index.js";
import { vpnOf } from "../../cores/page-table.js";
import { runScenario, type RunResult } from "../../src/run/run-scenario.js";
import { scenarioInitialState } from "../../src/run/simulate.js";
import { isEmptyDiff } from "../../src/timetravel/diff.js";
import { openLog, timelineOf } from "../../src/timetravel/open.js";
import { Timeline } from "../../src/timetravel/timeline.js";
import { allocatorOf, builtin, runWith } from "../support/sim.js";

const dir = mkdtempSync(join(tmpdir(), "smpsim-tt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first seed at which munmap with a local-only TLBI breaks coherence (found by running, not assumed). */
async function violatingRun(): Promise<{ result: RunResult; path: string }> {
  const scenario = builtin("tlb-shootdown-munmap-local-only");
  for (let seed = 1; seed < 200; seed++) {
    const path = join(dir, `local-only-${seed}.log`);
    const result = await runScenario({
      scenario,
      baseDir: process.cwd(),
      seed,
      strategy: "random",
      keepEvents: true,
      log: { path, force: true },
    });
    if (result.outcome.violation?.invariant === "translation-coherence") return { result, path };
  }
  throw new Error("no violating seed below 200");
}

describe("why: provenance of a stale TLB entry", () => {
  let run: { result: RunResult; path: string };
  let tl: Timeline;
  beforeAll(async () => {
    run = await violatingRun();
    tl = timelineOf(await openLog(run.path, (raw, where) => catalog.check(raw, where)), 8);
  });

  it("names the fill behind the entry the violating access used, the walk and the registers then", () => {
    const events = run.result.events;
    const at = run.result.outcome.violation!.at;
    const hit = events[at]!;
    expect(hit.type).toBe("tlb.hit");
    if (hit.type !== "tlb.hit") return;
    const p = tl.why(at + 1, hit.core, hit.va);
    expect(p.entry).not.toBeNull();
    expect(p.slot).toBe(hit.slot);
    // The fill is the last tlb.fill of that VA on that core before the violation.
    const fill = events
      .slice(0, at)
      .filter((e) => e.type === "tlb.fill" && e.core === hit.core && vpnOf(e.va) === vpnOf(hit.va))
      .at(-1)!;
    expect(p.origin?.event).toEqual(fill);
    expect(p.entry!.filledAt).toBe(fill.seq);
    expect(p.origin!.via).toBe("TTBR0");
    expect(p.origin!.regs.ttbr0).toBe("A");
    expect(p.origin!.regs.asid).toBe(p.entry!.asid);
    expect(p.origin!.regs).toEqual(tl.state(fill.seq).cores[hit.core]!.regs);
    expect(p.origin!.task).toBe("A.1");
    // munmap cleared the PTE: a fresh walk faults, the entry is stale.
    expect(p.walkNow.pte).toBeNull();
    expect(p.stale).toBe(true);
  });

  it("says there is no entry before the first fill, and agrees with a fresh walk right after it", () => {
    const events = run.result.events;
    const fill = events.find((e) => e.type === "tlb.fill" && !e.spec)!;
    if (fill.type !== "tlb.fill") return;
    const before = tl.why(fill.seq, fill.core, fill.va);
    expect(before.entry).toBeNull();
    expect(before.origin).toBeNull();
    const after = tl.why(fill.seq + 1, fill.core, fill.va);
    expect(after.entry?.filledAt).toBe(fill.seq);
    expect(after.stale).toBe(false);
    expect(after.walkNow.pte?.pa).toBe(after.entry!.pa);
  });
});

describe("diff", () => {
  const r = runWith(builtin("asid-rollover-ipi"), { seed: 3 });
  const tl = new Timeline(scenarioInitialState(r.scenario, allocatorOf(r.scenario)), r.events, 32);

  it("is empty between a state and itself, and shows a fill as one added entry", () => {
    expect(isEmptyDiff(tl.diff(50, 50))).toBe(true);
    const fill = r.events.find((e) => e.type === "tlb.fill")!;
    const d = tl.diff(fill.seq, fill.seq + 1);
    expect(d.cores.map((c) => c.core)).toEqual([fill.core]);
    const c = d.cores[0]!;
    expect(c.tlbAdded.map((e) => e.filledAt)).toEqual([fill.seq]);
    expect(c.tlbRemoved).toEqual([]);
    expect(c.regs).toEqual([]);
  });

  it("shows register, variable, lock and task changes, and runs backwards as the mirror image", () => {
    const d = tl.diff(0, 120);
    const vars = Object.fromEntries(d.vars.map((v) => [v.key, [v.from, v.to]]));
    const s120 = tl.state(120);
    for (const [k, [, to]] of Object.entries(vars)) expect(s120.vars[k]).toBe(to);
    expect(d.cores.some((c) => c.regs.some((x) => x.key === "asid" || x.key === "ttbr0"))).toBe(true);
    expect(d.tasks.length).toBeGreaterThan(0);
    const back = tl.diff(120, 0);
    expect(back.vars.map((v) => [v.key, v.to, v.from])).toEqual(d.vars.map((v) => [v.key, v.from, v.to]));
    for (const c of d.cores) {
      const m = back.cores.find((x) => x.core === c.core)!;
      expect(m.tlbRemoved).toEqual(c.tlbAdded);
      expect(m.tlbAdded).toEqual(c.tlbRemoved);
    }
  });

  it("sees a roll-over flush remove entries and IPIs sent and delivered", () => {
    const ipi = r.events.find((e) => e.type === "ipi.send")!;
    const acked = r.events.find((e) => e.type === "ipi.acked" && e.core === ipi.core && e.seq > ipi.seq)!;
    if (ipi.type !== "ipi.send") return;
    const ids = ipi.msgs.map((m) => m.id).sort();
    expect(
      tl
        .diff(ipi.seq, ipi.seq + 1)
        .sent.map((m) => m.id)
        .sort(),
    ).toEqual(ids);
    const after = tl.diff(ipi.seq + 1, acked.seq + 1);
    expect(after.delivered.map((m) => m.id)).toEqual(expect.arrayContaining(ids));
    expect(
      after.cores
        .filter((c) => c.counters.some((k) => k.key === "ipiReceived"))
        .map((c) => c.core)
        .sort(),
    ).toEqual(ipi.msgs.map((m) => m.to).sort());
  });
});

describe("find and watch against brute force", () => {
  const r = runWith(builtin("asid-rollover-ipi"), { seed: 2 });
  const tl = new Timeline(scenarioInitialState(r.scenario, allocatorOf(r.scenario)), r.events, 50);
  const states = Array.from({ length: r.events.length + 1 }, (_, n) => tl.state(n));

  it("find by type, core, VA and gen:asid", () => {
    const fills1 = tl.find(tl.predicate("type=tlb.fill core=1"));
    expect(fills1).toEqual(r.events.filter((e) => e.type === "tlb.fill" && e.core === 1).map((e) => e.seq));
    expect(tl.find(tl.predicate("tlb core 1"))).toEqual(
      r.events.filter((e) => e.type.startsWith("tlb.") && e.core === 1).map((e) => e.seq),
    );
    const va = tl.find(tl.predicate("va=0x8000"));
    expect(va.length).toBeGreaterThan(0);
    for (const s of va) expect(JSON.stringify(r.events[s])).toMatch(/"va":32768|"vpn":8/);
    const assign = r.events.find((e) => e.type === "asid.assign" && e.generation > 1)!;
    if (assign.type !== "asid.assign") return;
    const tagged = tl.find(tl.predicate(`type=asid.assign asid=${assign.generation}:${assign.asid}`));
    expect(tagged).toContain(assign.seq);
    for (const s of tagged) expect(r.events[s]).toMatchObject({ generation: assign.generation, asid: assign.asid });
    expect(tl.find(tl.predicate("core=0"))).not.toContain(r.events.find((e) => e.type === "choice" && e.core === 0)!.seq);
    expect(() => tl.predicate("type=tlb.flil")).toThrow(/unknown event type/);
    expect(() => tl.predicate("colour=red")).toThrow(/unknown key/);
  });

  const exprs = [
    "cpu_last_asid",
    "core 1 asid",
    "core 0 ttbr0",
    "tlb 1 size",
    "tlb 2 0x8000",
    "core 3 ctx",
    "lock cpu_asid_lock",
    "inflight",
  ];

  it("watch forward and backward stop where brute force says the value changes (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...exprs), fc.integer({ min: 0, max: r.events.length }), (text, from) => {
        const w = tl.watchExpr(text);
        const values = states.map((s) => w.read(s));
        const fwd = tl.watchForward(w, from);
        const nextChange = values.findIndex((v, n) => n > from && v !== values[from]);
        if (nextChange < 0) expect(fwd).toBeNull();
        else expect(fwd).toMatchObject({ position: nextChange, seq: nextChange - 1, from: values[from], to: values[nextChange] });
        const bwd = tl.watchBackward(w, from);
        let n = from - 1;
        while (n >= 0 && values[n] === values[from]) n--;
        if (n < 0) expect(bwd).toBeNull();
        else expect(bwd).toMatchObject({ position: n + 1, seq: n, from: values[n], to: values[n + 1] });
      }),
      { numRuns: 150 },
    );
  });

  it("rejects watch expressions it cannot evaluate, naming the forms", () => {
    expect(() => tl.watchExpr("no_such_var")).toThrow(/no shared variable/);
    expect(() => tl.watchExpr("core 9 asid")).toThrow(/no core 9/);
    expect(() => tl.watchExpr("core 1 colour")).toThrow(/registers: /);
    expect(() => tl.watchExpr("tlb")).toThrow(/cannot watch/);
  });
});
