/**
 * The engine end to end: the built-in munmap scenarios' verdicts, schedules that do not fit, and waiting
 * for IPI acks. Small machines are assembled by hand (hand-machine.ts) where a scenario would be indirect.
 */
import { describe, expect, it } from "vitest";
import { munmapScenario } from "../../scenarios/tlb-shootdown-munmap.js";
import { readScenario } from "../../scenarios/index.js";
import { ScheduleSyntaxError, decodeSchedule, encodeSchedule } from "../../src/engine/schedule.js";
import type { EventOf, SimEvent } from "../../src/events/index.js";
import { runScenario } from "../../src/run/run-scenario.js";
import { builtin, runWith } from "../support/sim.js";
import { USER_VA, handRun, on } from "./hand-machine.js";

describe("built-in munmap scenarios", () => {
  it("keeps the broadcast munmap scenario clean over 200 seeds and under fifo", () => {
    const scenario = builtin("tlb-shootdown-munmap");
    for (let seed = 0; seed < 200; seed++) {
      const r = runWith(scenario, { seed });
      expect(r.outcome.violation, `seed ${seed}`).toBeNull();
      expect(r.outcome.reason, `seed ${seed}`).toBe("done");
    }
    const f = runWith(scenario, { strategy: "fifo" });
    expect(f.outcome.violation).toBeNull();
    expect(f.outcome.reason).toBe("done");
    // The shootdown really happened: core 1 carried out the broadcast TLBI for the page.
    expect(on(f.events, "bus.deliver", 1).some((e) => e.msg.kind === "tlbi")).toBe(true);
  });

  it("shows a translation-coherence violation in the local-only variant, naming the core, the VA and the fill", () => {
    const scenario = builtin("tlb-shootdown-munmap-local-only");
    let found: ReturnType<typeof runWith> | null = null;
    for (let seed = 0; seed < 200 && !found; seed++) {
      const r = runWith(scenario, { seed });
      if (r.outcome.violation) found = r;
    }
    expect(found, "no seed in 0..199 shows the missing shootdown").not.toBeNull();
    const r = found!;
    const v = r.outcome.violation!;
    expect(v.invariant).toBe("translation-coherence");
    // The breaking event is a hit on the unmapped page on the core that never invalidated it.
    const hit = r.events[v.at]!;
    expect(hit.type).toBe("tlb.hit");
    expect((hit as EventOf<"tlb.hit">).va).toBe(USER_VA);
    expect(hit.core).toBe(1);
    expect(v.message).toContain(`core ${hit.core}`);
    expect(v.message).toContain("0x8000");
    const filled = /filled at event (\d+)/.exec(v.message);
    expect(filled, v.message).not.toBeNull();
    const fill = r.events[Number(filled![1])]!;
    expect(fill.type).toBe("tlb.fill");
    expect(fill.core).toBe(hit.core);
    expect((fill as EventOf<"tlb.fill">).va).toBe(USER_VA);
    // The page had been retired (the unmap completed) before the hit, and the run stopped right there.
    const retire = r.events.findIndex((e) => e.type === "pte.retire");
    expect(retire).toBeGreaterThanOrEqual(0);
    expect(retire).toBeLessThan(v.at);
    expect(r.events.at(-1)!.type).toBe("violation");
    expect(r.events.length).toBe(v.at + 2);
  });

  it("never reports the local-only variant's violation before the page is retired", () => {
    const scenario = builtin("tlb-shootdown-munmap-local-only");
    for (let seed = 0; seed < 100; seed++) {
      const r = runWith(scenario, { seed });
      const v = r.outcome.violation;
      if (!v) continue;
      const retire = r.events.findIndex((e) => e.type === "pte.retire");
      expect(retire, `seed ${seed}`).toBeGreaterThanOrEqual(0);
      expect(retire, `seed ${seed}`).toBeLessThan(v.at);
    }
  });
});

describe("schedules given by the user", () => {
  it("rejects a schedule whose pick is out of range with a ScheduleSyntaxError naming the choice", async () => {
    const run = runScenario({
      scenario: builtin("tlb-shootdown-munmap"),
      baseDir: ".",
      seed: 1,
      strategy: "random",
      schedule: "0(zz)",
    });
    await expect(run).rejects.toBeInstanceOf(ScheduleSyntaxError);
    await expect(
      runScenario({ scenario: builtin("tlb-shootdown-munmap"), baseDir: ".", seed: 1, strategy: "random", schedule: "0(zz)" }),
    ).rejects.toThrow(/choice #2 is 1295/);
  });

  it("rejects a schedule string that does not parse", async () => {
    await expect(
      runScenario({ scenario: builtin("tlb-shootdown-munmap"), baseDir: ".", seed: 1, strategy: "random", schedule: "01?" }),
    ).rejects.toThrow(ScheduleSyntaxError);
  });

  it("follows the given picks, then hands over to the strategy", async () => {
    const base = await runScenario({ scenario: builtin("tlb-shootdown-munmap"), baseDir: ".", seed: 9, strategy: "random" });
    const given = decodeSchedule(base.schedule).slice(0, 6);
    const r = await runScenario({
      scenario: builtin("tlb-shootdown-munmap"),
      baseDir: ".",
      seed: 1,
      strategy: "fifo",
      schedule: encodeSchedule(given),
      keepEvents: true,
    });
    const picks = decodeSchedule(r.schedule);
    expect(picks.slice(0, 6)).toEqual(given);
    expect(picks.length).toBeGreaterThan(6);
    // The run made the same first six choices as the one the picks came from.
    const firstChoices = (events: SimEvent[]) => events.filter((e) => e.type === "choice").slice(0, 6);
    const again = await runScenario({
      scenario: builtin("tlb-shootdown-munmap"),
      baseDir: ".",
      seed: 9,
      strategy: "random",
      keepEvents: true,
    });
    expect(firstChoices(r.events)).toEqual(firstChoices(again.events));
  });
});

describe("waiting for IPI acks", () => {
  const ipiScenario = readScenario(munmapScenario("munmap-ipi", "ipi", "clean", "munmap with IPI shootdown"), "test");

  it("keeps the unmapping core still between its wait for acks and the last ack", () => {
    let waited = 0;
    for (let seed = 0; seed < 100; seed++) {
      const r = runWith(ipiScenario, { seed });
      expect(r.outcome.violation, `seed ${seed}`).toBeNull();
      const send = r.events.find((e): e is EventOf<"ipi.send"> => e.type === "ipi.send" && e.wait);
      expect(send, `seed ${seed}`).toBeDefined();
      const sender = send!.core;
      const acked = r.events.findIndex((e) => e.type === "ipi.acked" && e.core === sender);
      expect(acked, `seed ${seed}`).toBeGreaterThan(r.events.indexOf(send!));
      // Every IPI it sent was acked, and the acks reached it before it went on.
      const sent = new Set(send!.msgs.map((m) => m.id));
      const acksIn = r.events
        .slice(0, acked)
        .filter((e): e is EventOf<"bus.deliver"> => e.type === "bus.deliver" && e.core === sender && e.msg.kind === "ack")
        .filter((e) => e.msg.kind === "ack" && sent.has(e.msg.of));
      expect(acksIn.length, `seed ${seed}`).toBe(sent.size);
      const wait = r.events.findIndex((e, i) => i < acked && e.type === "core.wait" && e.core === sender && e.wait.on === "acks");
      if (wait < 0) continue; // the acks were in before it asked for them
      waited++;
      const between = r.events.slice(wait + 1, acked).filter((e) => e.core === sender);
      for (const e of between) expect(["choice", "bus.deliver"], `seed ${seed}: ${JSON.stringify(e)}`).toContain(e.type);
      // The handler ran on the other core while the sender waited.
      expect(r.events.slice(wait + 1, acked).some((e) => e.type === "ipi.done" && e.core !== sender)).toBe(true);
    }
    expect(waited, "no seed made the sender wait: the property was never exercised").toBeGreaterThan(0);
  });

  it("counts in ipi.acked the acks the sender waited for", () => {
    const r = runWith(ipiScenario, { seed: 1 });
    const send = r.events.find((e): e is EventOf<"ipi.send"> => e.type === "ipi.send" && e.wait)!;
    const acked = on(r.events, "ipi.acked", send.core)[0]!;
    expect(acked.count).toBe(send.msgs.length);
  });

  it("makes no progress on a core whose IPI is never acked, and reports it as a liveness violation", () => {
    // Core 1 masks interrupts and spins on a lock core 0 holds; core 0 waits for core 1's ack.
    const h = handRun(
      2,
      function* (c) {
        if (c === 0) {
          yield { k: "lock", name: "L" };
          yield { k: "ipi", to: [1], ipi: "ping", arg: 0, wait: true };
          yield { k: "wait-acks" };
          yield { k: "unlock", name: "L" };
        } else {
          yield { k: "reg", regs: { irqOn: false } };
          yield { k: "isb" };
          yield { k: "isb" };
          yield { k: "lock", name: "L" };
        }
      },
      { ping: function* () {} },
    );
    expect(h.outcome.violation?.invariant).toBe("liveness");
    expect(on(h.events, "ipi.acked")).toHaveLength(0);
    expect(on(h.events, "lock.release")).toHaveLength(0);
    expect(h.outcome.violation!.message).toMatch(/core 0 waits for 1 IPI ack/);
    expect(h.outcome.violation!.message).toMatch(/core 1 waits for lock L held by core 0/);
    expect(h.outcome.violation!.message).toMatch(/never delivered: IPI #0 \(ping\) to core 1/);
  });
});
