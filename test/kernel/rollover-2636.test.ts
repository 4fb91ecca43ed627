/**
 * linux-2.6.36's roll-over broadcast (arch/arm/mm/context.c, v2.6.36: smp_call_function(reset_context,
 * NULL, 1)): it flushes every core and hands the running mms ASID cpu + 1 of the new generation while
 * the initiator waits.
 */
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../src/run/run-scenario.js";
import { fold, handlerEvents, handlerSpans, is, mainProgramEvents, onCore, type Ev } from "./kernel-helpers.js";

import { SHAPES, first, rollovers, runs } from "./rollover-runs.js";

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
