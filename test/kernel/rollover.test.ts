/**
 * ASID roll-over under each allocator, on 1, 2 and 4 cores with tiny ASID widths: it happens, it is
 * counted, the run ends clean; linux-2.6.36's broadcast flushes every core and hands the running mms
 * ASID cpu + 1 of the new generation (arch/arm/mm/context.c, v2.6.36, reset_context) while the
 * initiator waits; the generation+bitmap allocators flush each core locally before it first runs in
 * the new generation (tlb_flush_pending) and send no IPIs.
 */
import { describe, expect, it } from "vitest";
import type { SimEvent } from "../../src/events/index.js";
import type { RunResult } from "../../src/run/run-scenario.js";
import type { Scenario } from "../../src/scenario/types.js";
import { fold, handlerEvents, handlerSpans, is, load, mainProgramEvents, onCore, run, where, type Ev } from "./kernel-helpers.js";

const ALLOCATORS = ["linux-2.6.36", "linux-3.10", "linux-4.x", "arm64", "arm64-xchg"] as const;
const BITMAP = ["linux-4.x", "arm64", "arm64-xchg"] as const;
/** 3-bit ASIDs everywhere; 2 bits where 4 cores do not rule it out (every allocator needs more ASIDs than CPUs). */
const SHAPES = [
  { cores: 1, bits: 3 },
  { cores: 1, bits: 2 },
  { cores: 2, bits: 3 },
  { cores: 2, bits: 2 },
  { cores: 4, bits: 3 },
] as const;
const SEEDS = [1, 2, 3];

interface Run {
  scenario: Scenario;
  seed: number;
  r: RunResult;
}

const cache = new Map<string, Promise<Run[]>>();

/**
 * Runs of a load with more mms than a generation has ASIDs (2^bits + 2 of them), each running four
 * slices. `pinned`: task Mi only on core i % cores, so no mm is current on two cores at once; otherwise
 * tasks migrate on a global run queue and mm T has a thread on core 0 and on the last core.
 */
function runs(allocator: string, cores: number, bits: number, pinned: boolean): Promise<Run[]> {
  const key = `${allocator}/${cores}/${bits}/${pinned}`;
  let p = cache.get(key);
  if (!p) {
    const scenario = load({
      id: `rollover-${allocator}-${cores}c-${bits}b${pinned ? "-pinned" : ""}`,
      cores,
      asidBits: bits,
      allocator,
      mms: 2 ** bits + 2,
      slices: 4,
      pinned,
      ...(pinned || cores === 1 ? {} : { threadsOn: [0, cores - 1] }),
    });
    p = Promise.all(SEEDS.map(async (seed) => ({ scenario, seed, r: await run(scenario, seed) })));
    cache.set(key, p);
  }
  return p;
}

const rollovers = (events: readonly SimEvent[]) => events.filter(is("asid.rollover"));
const first = <T>(xs: readonly T[]): T | undefined => xs[0];

describe.each(ALLOCATORS)("roll-over under %s", (allocator) => {
  it.each(SHAPES)("happens on $cores cores with $bits-bit ASIDs, is counted, and ends clean", async ({ cores, bits }) => {
    for (const pinned of [false, true]) {
      for (const { scenario, seed, r } of await runs(allocator, cores, bits, pinned)) {
        const at = where(scenario, seed, r);
        expect(r.outcome.violation, at).toBeNull();
        expect(r.outcome.reason, at).toBe("done");
        expect(
          Object.values(r.state.tasks).every((t) => t.status === "exited"),
          at,
        ).toBe(true);

        // Roll-over really happened, generation by generation (generation 1 is the boot one).
        const ros = rollovers(r.events);
        expect(ros.length, at).toBeGreaterThanOrEqual(2);
        expect(
          ros.map((e) => e.generation),
          at,
        ).toEqual(ros.map((_, i) => i + 2));

        // Counters agree with the log: roll-overs started per core, and generations each core moved up to.
        for (let c = 0; c < cores; c++) {
          const counters = r.state.cores[c]!.counters;
          expect(counters.rollovers, `${at}, core ${c}`).toBe(ros.filter((e) => e.core === c).length);
          let seen = 0;
          let gen = -1;
          for (const a of onCore(r.events, c).filter(is("asid.assign"))) {
            if (gen >= 0 && a.generation > gen) seen++;
            gen = a.generation;
          }
          expect(counters.rolloversSeen, `${at}, core ${c}`).toBe(seen);
        }
        const seenTotal = r.state.cores.reduce((n, c) => n + c.counters.rolloversSeen, 0);
        expect(seenTotal, at).toBeGreaterThan(0);

        // Every ASID handed out fits the width, and 0 (the reserved one) never is.
        for (const a of r.events.filter(is("asid.assign"))) {
          expect(a.asid, at).toBeGreaterThanOrEqual(1);
          expect(a.asid, at).toBeLessThan(2 ** bits);
        }
      }
    }
  });
});

describe("linux-2.6.36: the roll-over broadcast (smp_call_function(reset_context, NULL, 1))", () => {
  interface Broadcast {
    rollover: Ev<"asid.rollover">;
    send: Ev<"ipi.send">;
    acked: Ev<"ipi.acked">;
  }

  function broadcasts(r: RunResult): Broadcast[] {
    return rollovers(r.events).map((rollover) => {
      const mine = onCore(r.events, rollover.core).filter((e) => e.seq > rollover.seq);
      const send = mine.find(is("ipi.send"));
      if (!send) throw new Error(`no ipi.send after the roll-over at event ${rollover.seq}`);
      const acked = mine.find((e): e is Ev<"ipi.acked"> => e.type === "ipi.acked" && e.seq > send.seq);
      if (!acked) throw new Error(`no ipi.acked after the ipi.send at event ${send.seq}`);
      return { rollover, send, acked };
    });
  }

  const MULTI = SHAPES.filter((s) => s.cores > 1);

  it.each(MULTI)(
    "flushes every core's TLB before the initiator's ipi.acked ($cores cores, $bits bits)",
    async ({ cores, bits }) => {
      let everyCoreFlushed = 0;
      for (const pinned of [false, true]) {
        for (const { scenario, seed, r } of await runs("linux-2.6.36", cores, bits, pinned)) {
          const spans = handlerSpans(r.events);
          for (const { rollover, send, acked } of broadcasts(r)) {
            const i = rollover.core;
            const at = `${scenario.id} seed ${seed}, roll-over at event ${rollover.seq} on core ${i}`;
            // flush_context on the initiator: CONTEXTIDR ← 0, ISB, local_flush_tlb_all (TLBIALLIS on an ARMv7
            // SMP kernel, the default machine.arch), before the IPIs go out.
            const inner = scenario.kernel.flushAllScope === "inner-shareable";
            const before = onCore(r.events, i).filter((e) => e.seq > rollover.seq && e.seq < send.seq);
            const zero = before.findIndex((e) => e.type === "reg.write" && e.regs.asid === 0);
            const flush = before.findIndex((e) => e.type === "tlbi" && e.op.scope === "all" && e.broadcast === inner);
            expect(zero, at).toBeGreaterThanOrEqual(0);
            expect(flush, at).toBeGreaterThan(zero);

            // One reset-context IPI to every other core, waited for.
            expect(send.wait, at).toBe(true);
            expect(send.msgs.map((m) => m.to).sort(), at).toEqual(
              Array.from({ length: cores }, (_, c) => c).filter((c) => c !== i),
            );
            expect(
              send.msgs.every((m) => m.kind === "ipi" && m.ipi === "reset-context"),
              at,
            ).toBe(true);

            let flushed = 0;
            for (const m of send.msgs) {
              const span = spans.get(m.id);
              expect(span, `${at}: IPI #${m.id} to core ${m.to} delivered`).toBeDefined();
              const { deliver, done } = span!;
              expect(deliver.core, at).toBe(m.to);
              expect(deliver.seq, at).toBeGreaterThan(send.seq);
              expect(done, `${at}: handler on core ${m.to} returned`).toBeDefined();
              expect(done!.seq, at).toBeLessThan(acked.seq);
              const handler = handlerEvents(r.events, span!);
              // A core that never switched to an mm is still on the reserved ASID: reset_context returns at once.
              const hadMm = onCore(r.events, m.to).some((e) => e.type === "sched.pick" && e.seq < deliver.seq);
              const tlbi = handler.find((e) => e.type === "tlbi");
              if (!hadMm) {
                expect(
                  handler.filter((e) => e.type === "tlbi" || e.type === "asid.assign"),
                  at,
                ).toEqual([]);
                continue;
              }
              expect(tlbi, `${at}: core ${m.to} flushes in reset_context`).toMatchObject({
                op: { scope: "all" },
                broadcast: inner,
              });
              flushed++;
            }
            if (flushed === cores - 1) everyCoreFlushed++;
          }
        }
      }
      expect(everyCoreFlushed, "roll-overs at which every other core had an mm and flushed").toBeGreaterThan(0);
    },
  );

  it.each(MULTI)(
    "leaves no TLB entry of an older generation anywhere once the initiator is acked ($cores cores, $bits bits)",
    async ({ cores, bits }) => {
      for (const pinned of [false, true]) {
        for (const { scenario, seed, r } of await runs("linux-2.6.36", cores, bits, pinned)) {
          const ends = new Map(broadcasts(r).map((b) => [b.acked.seq, b.rollover.generation]));
          let checked = 0;
          fold(scenario, r.events, (s, ev) => {
            const g = ends.get(ev.seq);
            if (g === undefined) return;
            checked++;
            for (const core of s.cores) {
              const old = core.tlb.filter((e) => !e.global && e.gen < g);
              expect(old, `${scenario.id} seed ${seed}: core ${core.id} at event ${ev.seq} (generation ${g} acked)`).toEqual([]);
            }
          });
          expect(checked).toBe(ends.size);
        }
      }
    },
  );

  it.each(MULTI)(
    "hands each running mm ASID cpu + 1 of the new generation ($cores cores, $bits bits)",
    async ({ cores, bits }) => {
      // Pinned tasks: the mm a core runs is current nowhere else, so set_mm_context has no rival writer.
      let assigned = 0;
      for (const { scenario, seed, r } of await runs("linux-2.6.36", cores, bits, true)) {
        const spans = handlerSpans(r.events);
        for (const { rollover, send, acked } of broadcasts(r)) {
          const at = `${scenario.id} seed ${seed}, roll-over at event ${rollover.seq}`;
          for (const m of send.msgs) {
            const span = spans.get(m.id)!;
            const picks = onCore(r.events, m.to)
              .filter(is("sched.pick"))
              .filter((e) => e.seq < span.deliver.seq);
            const pick = picks.at(-1);
            if (!pick) continue;
            // per_cpu(current_mm): next once switch_mm has decided to switch (after cpumask_test_and_set_cpu),
            // still prev's if the IPI lands before that.
            const mms = [pick.mm, picks.at(-2)?.mm].filter((x) => x !== undefined).join("|");
            const assigns = handlerEvents(r.events, span).filter(is("asid.assign"));
            expect(assigns, `${at}: core ${m.to}`).toEqual([
              expect.objectContaining({
                mm: expect.stringMatching(new RegExp(`^(${mms})$`)),
                generation: rollover.generation,
                asid: m.to + 1,
              }),
            ]);
            // ...and loads it into CONTEXTIDR after the flush.
            const writes = handlerEvents(r.events, span)
              .filter(is("reg.write"))
              .map((e) => e.regs.asid);
            expect(writes, `${at}: core ${m.to}`).toEqual([0, m.to + 1]);
            assigned++;
          }
          // The initiator takes cpu + 1 too, once everyone has acked.
          const next = first(
            onCore(r.events, rollover.core)
              .filter(is("asid.assign"))
              .filter((e) => e.seq > acked.seq),
          );
          if (next) expect(next.asid, `${at}: initiator core ${rollover.core}`).toBe(rollover.core + 1);
        }
      }
      expect(assigned).toBeGreaterThan(0);
    },
  );

  it.each(MULTI)(
    "gives every mm of the new generation cpu + 1 of the first CPU to set it, with threads and migration ($cores cores, $bits bits)",
    async ({ cores, bits }) => {
      for (const { scenario, seed, r } of await runs("linux-2.6.36", cores, bits, false)) {
        const spans = handlerSpans(r.events);
        for (const { rollover, send, acked } of broadcasts(r)) {
          const at = `${scenario.id} seed ${seed}, roll-over at event ${rollover.seq}`;
          // Until the initiator drops cpu_asid_lock, every mm->context.id written is a roll-over one.
          const unlock = onCore(r.events, rollover.core).find(
            (e) => e.type === "lock.release" && e.name === "cpu_asid_lock" && e.seq > acked.seq,
          );
          expect(unlock, at).toBeDefined();
          const writes = r.events
            .filter(is("var.write"))
            .filter((e) => e.name.endsWith(".context.id") && e.seq > rollover.seq && e.seq < unlock!.seq);
          expect(writes.length, at).toBeGreaterThan(0);
          for (const w of writes) {
            expect(Math.floor(w.value / 2 ** bits), `${at}: ${w.name} at event ${w.seq}`).toBe(rollover.generation);
            expect(w.value % 2 ** bits, `${at}: ${w.name} at event ${w.seq} by core ${w.core}`).toBe(w.core + 1);
          }
          // What each IPI'd core announces is the new generation's ASID of the first writer of that mm.
          for (const m of send.msgs) {
            for (const a of handlerEvents(r.events, spans.get(m.id)!).filter(is("asid.assign"))) {
              const winner = writes.find((w) => w.name === `${a.mm}.context.id`);
              expect(winner, `${at}: ${a.mm} on core ${m.to}`).toBeDefined();
              expect(a, at).toMatchObject({ generation: rollover.generation, asid: winner!.value % 2 ** bits });
            }
          }
        }
      }
    },
  );

  it.each(MULTI)(
    "keeps the initiator waiting between ipi.send and ipi.acked ($cores cores, $bits bits)",
    async ({ cores, bits }) => {
      for (const pinned of [false, true]) {
        for (const { scenario, seed, r } of await runs("linux-2.6.36", cores, bits, pinned)) {
          for (const { rollover, send, acked } of broadcasts(r)) {
            const meanwhile = mainProgramEvents(r.events, rollover.core, send.seq, acked.seq);
            // Only the wait for acks itself (recorded once per blocking) may happen; ack deliveries are not the program's.
            expect(
              meanwhile.filter((e) => e.type !== "core.wait"),
              `${scenario.id} seed ${seed}: initiator core ${rollover.core} between events ${send.seq} and ${acked.seq}`,
            ).toEqual([]);
            for (const w of meanwhile) expect(w).toMatchObject({ type: "core.wait", wait: { on: "acks" } });
            // The IPI counters moved with it.
            expect(r.state.cores[rollover.core]!.counters.ipiSent).toBeGreaterThanOrEqual(cores - 1);
          }
        }
      }
    },
  );
});

describe.each(BITMAP)("%s: roll-over without IPIs (tlb_flush_pending)", (allocator) => {
  it.each(SHAPES)("sends no IPI ($cores cores, $bits bits)", async ({ cores, bits }) => {
    for (const pinned of [false, true]) {
      for (const { scenario, seed, r } of await runs(allocator, cores, bits, pinned)) {
        expect(
          r.events.filter((e) => e.type === "ipi.send" || e.type === "bus.deliver"),
          `${scenario.id} seed ${seed}`,
        ).toEqual([]);
        for (const c of r.state.cores) expect([c.counters.ipiSent, c.counters.ipiReceived]).toEqual([0, 0]);
      }
    }
  });

  it.each(SHAPES)(
    "flushes every core's whole TLB locally before it first runs in the new generation ($cores cores, $bits bits)",
    async ({ cores, bits }) => {
      let checked = 0;
      const coresChecked = new Set<number>();
      for (const pinned of [false, true]) {
        for (const { scenario, seed, r } of await runs(allocator, cores, bits, pinned)) {
          const firstInGen = new Map<number, number>(); // asid.assign seq → generation it starts on its core
          for (const ro of rollovers(r.events)) {
            const at = `${scenario.id} seed ${seed}, roll-over to generation ${ro.generation} at event ${ro.seq} on core ${ro.core}`;
            // flush_context marks every CPU (cpumask_setall(&tlb_flush_pending)).
            const unlock = onCore(r.events, ro.core).find(
              (e) => e.type === "lock.release" && e.name === "cpu_asid_lock" && e.seq > ro.seq,
            );
            expect(unlock, at).toBeDefined();
            const marks = onCore(r.events, ro.core)
              .filter(is("var.write"))
              .filter((e) => e.seq > ro.seq && e.seq < unlock!.seq && /^tlb_flush_pending\[\d+\]$/.test(e.name) && e.value === 1);
            expect(new Set(marks.map((e) => e.name)).size, at).toBe(cores);
            for (let c = 0; c < cores; c++) {
              const mine = onCore(r.events, c).filter((e) => e.seq > ro.seq);
              const a = mine.find((e): e is Ev<"asid.assign"> => e.type === "asid.assign" && e.generation >= ro.generation);
              if (!a) continue;
              const before = mine.filter((e) => e.seq < a.seq);
              const clear = before.findIndex(
                (e) => e.type === "var.write" && e.name === `tlb_flush_pending[${c}]` && e.value === 0,
              );
              const flush = before.findIndex((e) => e.type === "tlbi" && e.op.scope === "all" && !e.broadcast);
              expect(clear, `${at}: core ${c} clears its pending bit before event ${a.seq}`).toBeGreaterThanOrEqual(0);
              expect(flush, `${at}: core ${c} flushes (local_flush_tlb_all) before event ${a.seq}`).toBeGreaterThan(clear);
              firstInGen.set(a.seq, ro.generation);
              checked++;
              coresChecked.add(c);
            }
          }
          // And in the state: when a core first runs in the new generation, nothing older is left in its TLB.
          fold(scenario, r.events, (s, ev) => {
            const g = firstInGen.get(ev.seq);
            if (g === undefined) return;
            const old = s.cores[ev.core]!.tlb.filter((e) => e.gen < g);
            expect(old, `${scenario.id} seed ${seed}: core ${ev.core} at event ${ev.seq}`).toEqual([]);
          });
        }
      }
      expect(checked).toBeGreaterThan(0);
      expect([...coresChecked].sort()).toEqual(Array.from({ length: cores }, (_, c) => c));
    },
  );
});
