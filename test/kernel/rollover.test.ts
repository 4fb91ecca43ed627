/**
 * ASID roll-over under each allocator, on 1, 2 and 4 cores with tiny ASID widths: it happens, it is
 * counted, the run ends clean; linux-2.6.36's broadcast flushes every core and hands the running mms
 * ASID cpu + 1 of the new generation (arch/arm/mm/context.c, v2.6.36, reset_context) while the
 * initiator waits; the generation+bitmap allocators flush each core locally before it first runs in
 * the new generation (tlb_flush_pending) and send no IPIs.
 */
import { describe, expect, it } from "vitest";
import { fold, is, onCore, where, type Ev } from "./kernel-helpers.js";

import { ALLOCATORS, BITMAP, SHAPES, rollovers, runs } from "./rollover-runs.js";

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
