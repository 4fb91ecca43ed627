/**
 * The viewer's JSON API, asked directly (routes.answer) and over HTTP: windows are clamped and capped,
 * the state at any position is the fold of the events before it, the diff names what the event changed,
 * spans and arrows of a window are exactly those that overlap it, and bad questions get a 400.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SimEvent } from "../../src/events/index.js";
import { foldEvents } from "../../src/replay/fold.js";
import { buildLanes } from "../../src/ui/lanes.js";
import type { DiffView, EventsWindow, LanesWindow, Meta, StateView } from "../../src/ui/protocol.js";
import { answer } from "../../src/ui/routes.js";
import { MAX_WINDOW } from "../../src/ui/viewer-model.js";
import { allocatorOf } from "../support/sim.js";
import { modelOf, runOf } from "./model-helpers.js";

const q = (s: string): URLSearchParams => new URLSearchParams(s);

describe("windows of events", () => {
  it("answers the events of a window in order, each on its core's lane with its one-line description", () => {
    const m = modelOf(runOf("asid-rollover-ipi"));
    const r = answer(m, "/api/events", q("from=100&to=140"));
    expect(r.status).toBe(200);
    const w = r.body as EventsWindow;
    expect(w.events.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => 100 + i));
    const meta = m.meta();
    for (const e of w.events) {
      expect(e.text.length).toBeGreaterThan(0);
      expect(meta.lanes[e.lane]!.id).toBe(e.core >= 0 ? `core:${e.core}` : "machine");
    }
  });

  it("clamps a window that runs past the end of the log", () => {
    const m = modelOf(runOf("tlb-shootdown-munmap"));
    const n = m.meta().events;
    const w = answer(m, "/api/events", q(`from=${n - 3}&to=${n + 50}`)).body as EventsWindow;
    expect(w).toMatchObject({ from: n - 3, to: n });
    expect(w.events).toHaveLength(3);
  });

  it.each([
    ["from=10&to=5", "to < from"],
    ["from=-1&to=5", "negative"],
    ["from=abc&to=5", "not a number"],
    ["to=5", "missing from"],
    [`from=0&to=${MAX_WINDOW + 1}`, "too wide"],
  ])("refuses %s (%s) with 400 and a reason", (query) => {
    const m = modelOf(runOf("tlb-shootdown-munmap"));
    for (const path of ["/api/events", "/api/lanes"]) {
      const r = answer(m, path, q(query));
      expect(r.status).toBe(400);
      expect((r.body as { error: string }).error).toMatch(/\w/);
    }
  });

  it("answers 404 for an API path it does not have", () => {
    expect(answer(modelOf(runOf("tlb-shootdown-munmap")), "/api/nope", q("")).status).toBe(404);
  });
});

describe("state and diff at a position", () => {
  it("gives the fold of the first n events at every position n, whatever the snapshot interval (property)", () => {
    const r = runOf("asid-rollover-ipi");
    const allocator = allocatorOf(r.scenario);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.integer({ min: 0, max: r.events.length }), { minLength: 1, maxLength: 8 }),
        (k, positions) => {
          const m = modelOf(r, k);
          for (const n of positions) {
            const view = answer(m, "/api/state", q(`at=${n}`)).body as StateView;
            const { tables: _t, ...folded } = foldEvents(r.scenario, allocator, r.events, n, false).state;
            expect(view.state).toEqual(JSON.parse(JSON.stringify(folded)));
            expect(view.event?.mark.seq ?? null).toBe(n > 0 ? n - 1 : null);
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it("shows the entry a TLB fill added and the one its replacement or TLBI removed", () => {
    const r = runOf("asid-rollover-ipi");
    const m = modelOf(r);
    const fill = r.events.find((e): e is Extract<SimEvent, { type: "tlb.fill" }> => e.type === "tlb.fill" && !e.spec)!;
    const d = answer(m, "/api/diff", q(`at=${fill.seq + 1}`)).body as DiffView;
    expect(d.event?.mark.type).toBe("tlb.fill");
    const core = d.cores.find((c) => c.core === fill.core)!;
    expect(core.tlbAdded).toEqual([expect.objectContaining({ filledAt: fill.seq, vpn: fill.entry.vpn, pa: fill.entry.pa })]);

    const flush = r.events.find((e) => (e.type === "tlbi" || e.type === "bus.deliver") && "removed" in e && e.removed > 0)!;
    const f = answer(m, "/api/diff", q(`at=${flush.seq + 1}`)).body as DiffView;
    expect(f.cores.find((c) => c.core === flush.core)!.tlbRemoved.length).toBe((flush as { removed: number }).removed);
  });

  it("flags the TLB entries whose page was unmapped, from the unmap until they are invalidated", () => {
    const r = runOf("tlb-shootdown-munmap");
    const m = modelOf(r);
    const unmap = r.events.find((e): e is Extract<SimEvent, { type: "pte.write" }> => e.type === "pte.write" && e.pte === null)!;
    const vpn = Math.floor(unmap.va / 4096);
    const holders = (at: number) =>
      m.stateAt(at).cores.map((c) => c.tlb.flatMap((e, slot) => (e.vpn === vpn && e.table === unmap.table ? [slot] : [])));
    const before = answer(m, "/api/state", q(`at=${unmap.seq}`)).body as StateView;
    expect(before.staleTlb.flat()).toEqual([]);
    const after = answer(m, "/api/state", q(`at=${unmap.seq + 1}`)).body as StateView;
    expect(holders(unmap.seq + 1).flat().length).toBeGreaterThan(0);
    expect(after.staleTlb).toEqual(holders(unmap.seq + 1));
  });

  it("has nothing to diff at position 0, and refuses positions outside the log with 400", () => {
    const m = modelOf(runOf("tlb-shootdown-munmap"));
    const d = answer(m, "/api/diff", q("at=0")).body as DiffView;
    expect(d).toMatchObject({ at: 0, event: null, cores: [], vars: [] });
    for (const at of [String(m.meta().events + 1), "-3", "1.5", ""]) {
      expect(answer(m, "/api/state", q(`at=${at}`)).status).toBe(400);
      expect(answer(m, "/api/diff", q(`at=${at}`)).status).toBe(400);
    }
  });
});

describe("lanes, spans and arrows", () => {
  it("answers exactly the spans and arrows that overlap a window (property)", () => {
    const m = modelOf(runOf("asid-rollover-ipi"));
    const n = m.meta().events;
    const all = m.lanes;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: 3000 }), (from, width) => {
        const to = from + width;
        const w = answer(m, "/api/lanes", q(`from=${from}&to=${to}`)).body as LanesWindow;
        const end = Math.min(to, n);
        if (end <= from) {
          expect(w).toMatchObject({ spans: [], arrows: [] });
          return;
        } // an empty window
        expect(w.spans).toEqual(all.spans.filter((s) => s.start < end && s.end >= from));
        const lo = (a: { fromSeq: number; toSeq: number }): number => Math.min(a.fromSeq, a.toSeq);
        const hi = (a: { fromSeq: number; toSeq: number }): number => Math.max(a.fromSeq, a.toSeq);
        expect(new Set(w.arrows)).toEqual(new Set(all.arrows.filter((a) => lo(a) < end && hi(a) >= from)));
      }),
      { numRuns: 60 },
    );
  });

  it("draws each IPI from its send to its delivery, and its ack from the handler's return to the ack's delivery", () => {
    const r = runOf("asid-rollover-ipi");
    const { arrows } = modelOf(r).lanes;
    const sends = r.events.filter((e): e is Extract<SimEvent, { type: "ipi.send" }> => e.type === "ipi.send");
    expect(sends.length).toBeGreaterThan(0);
    const msg = sends[0]!.msgs[0]!;
    const ipi = arrows.find((a) => a.id === msg.id)!;
    const deliver = r.events.find((e) => e.type === "bus.deliver" && e.msg.id === msg.id)!;
    expect(ipi).toMatchObject({
      cat: "ipi",
      fromLane: sends[0]!.core,
      fromSeq: sends[0]!.seq,
      toLane: msg.to,
      toSeq: deliver.seq,
    });
    const done = r.events.find((e): e is Extract<SimEvent, { type: "ipi.done" }> => e.type === "ipi.done" && e.of === msg.id)!;
    const ackDelivered = r.events.find((e) => e.type === "bus.deliver" && e.msg.id === done.ack.id)!;
    expect(arrows.find((a) => a.id === done.ack.id)).toMatchObject({
      cat: "ack-ipi",
      fromLane: msg.to,
      fromSeq: done.seq,
      toLane: sends[0]!.core,
      toSeq: ackDelivered.seq,
    });
  });

  it("makes context-switch spans from sched.pick and marks the violation in the metadata", () => {
    const r = runOf("asid-switch-no-reserved", 2); // a seed that violates
    const m = modelOf(r);
    const meta = answer(m, "/api/meta", q("")).body as Meta;
    const v = r.events.find((e): e is Extract<SimEvent, { type: "violation" }> => e.type === "violation")!;
    expect(meta.violation).toEqual({ seq: v.seq, at: v.at, invariant: v.invariant, message: v.message });
    expect(meta.markers).toContainEqual(expect.objectContaining({ seq: v.seq, kind: "violation" }));
    const pick = r.events.find((e) => e.type === "sched.pick")!;
    expect(m.lanes.spans).toContainEqual(expect.objectContaining({ lane: pick.core, cat: "switch", start: pick.seq }));
    expect(m.lanes.spans).toContainEqual(expect.objectContaining({ lane: pick.core, cat: "task", start: pick.seq }));
  });

  it("turns hypervisor world switches into spans on the core's lane and on a lane for the VM", () => {
    const base = { t: 0, core: 1 };
    const events = [
      { ...base, seq: 0, type: "hyp.enter", vcpu: "g0.0", vm: "g0", vmid: 3, gen: 1 },
      { ...base, seq: 1, type: "tlb.hit", va: 0x8000, slot: 0, write: false },
      { ...base, seq: 2, type: "hyp.exit", vcpu: "g0.0", reason: "irq" },
      { ...base, seq: 3, type: "hyp.enter", vcpu: "g0.0", vm: "g0", vmid: 3, gen: 1 },
    ] as unknown as SimEvent[];
    const l = buildLanes(events, 2);
    const vm = l.lanes.findIndex((x) => x.id === "vm:g0");
    expect(l.lanes[vm]).toMatchObject({ kind: "vm", label: "VM g0" });
    expect(l.spans.filter((s) => s.cat === "world")).toEqual([
      { lane: 1, cat: "world", name: "guest g0.0 VMID 3", start: 0, end: 2 },
      { lane: vm, cat: "world", name: "g0.0 VMID 3 on core 1", start: 0, end: 2 },
      // Still in the guest when the log ends.
      { lane: 1, cat: "world", name: "guest g0.0 VMID 3", start: 3, end: 3 },
      { lane: vm, cat: "world", name: "g0.0 VMID 3 on core 1", start: 3, end: 3 },
    ]);
  });
});
