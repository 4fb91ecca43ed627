/**
 * The Perfetto export: well-formed on every built-in scenario (validateTrace: phases, pids/tids,
 * monotonic ts per track, nesting slices, one start and one finish per flow, each inside a slice),
 * with the content a user looks for (a track per core, IPI flows, roll-over and violation instants,
 * TLB and generation counters), and a validator that does catch broken traces.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scenarioInitialState } from "../../src/run/simulate.js";
import { buildTrace, streamTrace } from "../../src/trace/export.js";
import { nestTrack } from "../../src/trace/nesting.js";
import type { Slice } from "../../src/trace/slices.js";
import type { TraceEvent } from "../../src/trace/trace-event.js";
import { inMicros, micros, traceOrder } from "../../src/trace/trace-event.js";
import { validateTrace } from "../../src/trace/validate.js";
import { writeTrace } from "../../src/trace/write.js";
import { allocatorOf, builtin, builtinIds, runWith, type Run } from "../support/sim.js";

const traceOf = (r: Run) =>
  buildTrace({
    scenario: r.scenario,
    initial: scenarioInitialState(r.scenario, allocatorOf(r.scenario)),
    events: r.events,
    title: "test",
  });

const dir = mkdtempSync(join(tmpdir(), "smpsim-trace-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("trace export", () => {
  it.each(builtinIds.flatMap((id) => [1, 2, 3].map((seed) => [id, seed] as const)))("%s seed %d is well-formed", (id, seed) => {
    const t = traceOf(runWith(builtin(id), { seed }));
    expect(validateTrace(t)).toEqual([]);
    expect(t.stretched).toBe(0);
  });

  it("has a named track per core, switch and IPI handler slices, and flows from send to delivery to ack", () => {
    const r = runWith(builtin("asid-rollover-ipi"), { seed: 3 });
    const ev = traceOf(r).traceEvents;
    const names = ev.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => [e.tid, e.args?.name]);
    expect(names).toEqual([
      [0, "core 0"],
      [1, "core 1"],
      [2, "core 2"],
      [3, "core 3"],
    ]);
    const slices = ev.filter((e) => e.ph === "X");
    expect(new Set(slices.map((e) => e.tid))).toEqual(new Set([0, 1, 2, 3]));
    expect(slices.filter((e) => e.cat === "switch").length).toBe(r.events.filter((e) => e.type === "sched.pick").length);
    const delivered = r.events.filter((e) => e.type === "bus.deliver" && e.msg.kind === "ipi");
    const handlers = slices.filter((e) => e.cat === "ipi" && e.name.startsWith("IPI "));
    expect(handlers.length).toBe(delivered.length);
    for (const h of handlers) expect(h.dur).toBeGreaterThan(0);
    const sends = r.events.flatMap((e) => (e.type === "ipi.send" ? e.msgs : []));
    const flowIds = new Set(ev.filter((e) => e.ph === "s").map((e) => e.id));
    for (const m of sends) expect(flowIds.has(m.id), `flow for IPI #${m.id}`).toBe(true);
    // And one arrow per ack of each IPI.
    const acks = r.events.flatMap((e) => (e.type === "ipi.done" ? [e.ack.id] : []));
    for (const a of acks) expect(flowIds.has(a), `flow for ack #${a}`).toBe(true);
    for (const f of ev.filter((e) => e.ph === "f" || e.ph === "s")) expect(f.bp).toBe("e");
    const rollovers = r.events.filter((e) => e.type === "asid.rollover").length;
    expect(ev.filter((e) => e.ph === "i" && e.cat === "asid").length).toBe(rollovers);
    expect(rollovers).toBeGreaterThan(0);
  });

  it("counts TLB entries and ASID generations per core as the fold does", () => {
    const r = runWith(builtin("asid-rollover-generation"), { seed: 1 });
    const ev = traceOf(r).traceEvents.filter((e) => e.ph === "C");
    for (let c = 0; c < r.scenario.machine.cores; c++) {
      const tlb = ev.filter((e) => e.name === `core ${c} TLB entries`);
      expect(tlb[0]).toMatchObject({ ts: 0, args: { entries: 0 } });
      expect(tlb.at(-1)!.args!.entries).toBe(r.state.cores[c]!.tlb.length);
      const gen = ev.filter((e) => e.name === `core ${c} ASID generation`);
      expect(gen.at(-1)!.args!.generation).toBe(r.state.cores[c]!.ctx?.generation ?? 0);
    }
  });

  it("marks a violation with a global instant on a machine track, and broadcast TLBIs with flows", () => {
    let r = runWith(builtin("tlb-shootdown-munmap-local-only"), { seed: 1 });
    for (let seed = 2; !r.outcome.violation && seed < 100; seed++)
      r = runWith(builtin("tlb-shootdown-munmap-local-only"), { seed });
    const ev = traceOf(r).traceEvents;
    const v = ev.filter((e) => e.ph === "i" && e.cat === "violation");
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ s: "g", tid: 2, args: { at: r.outcome.violation!.at } });
    expect(ev.some((e) => e.ph === "M" && e.tid === 2 && e.args?.name === "machine (invariants)")).toBe(true);
    const b = traceOf(runWith(builtin("tlb-shootdown-munmap"), { seed: 3 })).traceEvents;
    expect(b.filter((e) => e.ph === "s" && e.cat === "tlbi").length).toBeGreaterThan(0);
    expect(b.filter((e) => e.ph === "s" && e.cat === "ack-tlbi").length).toBeGreaterThan(0);
  });
});

describe("validateTrace catches broken traces", () => {
  const ok: TraceEvent[] = [
    { name: "p", ph: "M", pid: 1, args: { name: "x" } },
    { name: "a", ph: "X", pid: 1, tid: 0, ts: 0, dur: 10 },
    { name: "b", ph: "X", pid: 1, tid: 1, ts: 5, dur: 10 },
    { name: "m", ph: "s", pid: 1, tid: 0, ts: 2, id: 7, bp: "e" },
    { name: "m", ph: "f", pid: 1, tid: 1, ts: 6, id: 7, bp: "e" },
  ];
  const problems = (events: TraceEvent[]) => validateTrace({ traceEvents: events });

  it("accepts a small good one", () => expect(problems(ok)).toEqual([]));
  it("rejects a missing flow end, a negative dur, time going back, overlap and an unbound flow", () => {
    expect(problems(ok.slice(0, 4)).join()).toMatch(/flow 7: 1 start\(s\) and 0 finish/);
    expect(problems([...ok, { name: "c", ph: "X", pid: 1, tid: 0, ts: 20, dur: -1 }]).join()).toMatch(/dur/);
    expect(problems([...ok, { name: "c", ph: "i", pid: 1, tid: 1, ts: 1 }]).join()).toMatch(/goes back/);
    expect(problems([...ok, { name: "c", ph: "X", pid: 1, tid: 0, ts: 8, dur: 5 }]).join()).toMatch(/without nesting/);
    expect(
      problems([
        ...ok,
        { name: "n", ph: "s", pid: 1, tid: 0, ts: 30, id: 8 },
        { name: "n", ph: "f", pid: 1, tid: 1, ts: 31, id: 8 },
      ]).join(),
    ).toMatch(/inside no slice/);
    expect(problems([{ name: "", ph: "X", pid: 1, ts: 0, dur: 0 }]).join()).toMatch(/no name.*no tid|no tid/);
    expect(validateTrace({})).toEqual(["not a trace: no traceEvents array"]);
  });
});

describe("the trace streamed through run files (smpsim trace on logs of any size)", () => {
  it.each(["asid-rollover-ipi", "vhe-vmid-rollover-5.16", "tlb-shootdown-munmap-local-only"])(
    "%s: the events in memory, byte for byte, in trace order",
    (id) => {
      const r = runWith(builtin(id), { seed: 2 });
      const inMemory = traceOf(r).traceEvents;
      const streamed = streamTrace(
        {
          scenario: r.scenario,
          initial: scenarioInitialState(r.scenario, allocatorOf(r.scenario)),
          events: r.events,
          title: "test",
        },
        7,
      );
      expect([...streamed.meta, ...streamed.events].map((e) => JSON.stringify(e))).toEqual(
        inMemory.map((e) => JSON.stringify(e)),
      );
      for (let i = 1; i < inMemory.length; i++)
        expect(traceOrder(inMemory[i - 1]!, inMemory[i]!), `#${i}`).toBeLessThanOrEqual(0);
    },
  );
});

describe("nesting and the file", () => {
  it("stretches an enclosing slice over a child that outlasts it", () => {
    const s = (start: number, end: number): Slice => ({ name: "", cat: "", core: 0, start, end, args: {} });
    const outer = s(0, 10);
    const inner = s(5, 15);
    expect(nestTrack([inner, outer])).toBe(1);
    expect(outer.end).toBe(15);
    expect(nestTrack([s(0, 5), s(5, 9), s(5, 5)])).toBe(0);
  });

  it("writes displayTimeUnit first, keeps an existing file without force, and replaces it with force", () => {
    const path = join(dir, "t.json");
    const t = traceOf(runWith(builtin("tlb-shootdown-munmap"), { seed: 3 }));
    writeTrace(path, t.traceEvents, { note: 1 }, false);
    const text = readFileSync(path, "utf8");
    expect(text.startsWith('{"displayTimeUnit":"ns","traceEvents":[')).toBe(true);
    const parsed = JSON.parse(text) as { traceEvents: TraceEvent[]; otherData: unknown };
    expect(parsed.traceEvents).toEqual(t.traceEvents.map(inMicros));
    expect(parsed.otherData).toEqual({ note: 1 });
    writeFileSync(path, "keep");
    expect(() => writeTrace(path, t.traceEvents, {}, false)).toThrow(/exists/);
    expect(readFileSync(path, "utf8")).toBe("keep");
    writeTrace(path, t.traceEvents, {}, true);
    expect(validateTrace(JSON.parse(readFileSync(path, "utf8")))).toEqual([]);
    expect(() => writeTrace(join(dir, "no/such/dir/t.json"), [], {}, false)).toThrow(/cannot write the trace/);
  });
});

describe("time and the TLB in the file", () => {
  it("writes ts and dur in microseconds, one cycle as 1 ns, exact for a reader that truncates or rounds", () => {
    for (let t = 0; t < 200_000; t += 7) {
      expect(Math.trunc(micros(t) * 1000)).toBe(t);
      expect(Math.round(micros(t) * 1000)).toBe(t);
    }
    expect(inMicros({ name: "x", ph: "X", pid: 1, tid: 0, ts: 1500, dur: 20 })).toMatchObject({ ts: 1.5, dur: 0.02 });
  });

  it("shows the munmap bug: the PTE cleared, a local TLBI, then the other core's hit on the freed page", () => {
    const r = runWith(builtin("tlb-shootdown-munmap-local-only"), { seed: 9 });
    const ev = traceOf(r).traceEvents.filter((e) => e.ph === "i");
    const cleared = ev.find((e) => e.cat === "pte" && /pte A 0x8000 cleared/.test(e.name))!;
    expect(cleared).toBeDefined();
    const tlbi = ev.find((e) => e.cat === "tlbi" && e.tid === cleared.tid && e.ts! >= cleared.ts!)!;
    expect(tlbi.args).toMatchObject({ broadcast: false });
    const staleHit = ev.find(
      (e) => e.cat === "tlb" && e.tid !== cleared.tid && e.ts! > cleared.ts! && /hit/.test(e.name) && e.args?.va === "0x8000",
    )!;
    expect(staleHit.args).toMatchObject({ pa: "0x10000", table: "A" });
    expect(ev.filter((e) => e.cat === "tlb" && /miss|fill/.test(e.name)).length).toBeGreaterThan(0);
  });
});
