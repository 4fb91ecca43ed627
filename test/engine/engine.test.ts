/**
 * The engine end to end: the built-in munmap scenarios' verdicts, schedules that do not fit, waiting for
 * IPI acks, broadcast maintenance, TLB replacement, and deadlocks reported as liveness violations.
 * Small machines are assembled by hand (a System of step programs) where a scenario would be indirect.
 */
import { describe, expect, it } from "vitest";
import type { IpiMessage } from "../../bus/messages.js";
import { defaultLatencies } from "../../bus/messages.js";
import { defaultCosts } from "../../cores/costs.js";
import { vpnOf, type PageTable } from "../../cores/page-table.js";
import type { TlbPolicy } from "../../cores/tlb.js";
import { munmapScenario } from "../../scenarios/tlb-shootdown-munmap.js";
import { readScenario } from "../../scenarios/index.js";
import { FifoChooser, RandomChooser, type Chooser } from "../../src/engine/chooser.js";
import { Engine, type RunOutcome, type System } from "../../src/engine/engine.js";
import type { Op, Program } from "../../src/engine/ops.js";
import { ScheduleSyntaxError, decodeSchedule, encodeSchedule } from "../../src/engine/schedule.js";
import type { EventOf, SimEvent } from "../../src/events/index.js";
import { machineInvariants } from "../../src/invariants/index.js";
import { runScenario } from "../../src/run/run-scenario.js";
import { initialState, type MachineState } from "../../src/state/machine-state.js";
import { builtin, runWith } from "../support/sim.js";

const USER_VA = 0x8000;
const KERNEL_VA = 0xc0008000;

interface Hand {
  outcome: RunOutcome;
  state: MachineState;
  events: SimEvent[];
}

/** Runs step programs on a hand-built machine: one program per core, IPI handlers by name. */
function handRun(
  cores: number,
  main: (core: number) => Generator<Op, void, number>,
  handlers: Record<string, (core: number, msg: IpiMessage) => Generator<Op, void, number>> = {},
  opts: { chooser?: Chooser; tlbEntries?: number; tlbPolicy?: TlbPolicy; maxEvents?: number } = {},
): Hand {
  const user: PageTable = { [vpnOf(USER_VA)]: { pa: 0x10000, global: false, writable: true } };
  for (let i = 1; i < 8; i++) user[vpnOf(USER_VA) + i] = { pa: 0x10000 + i * 0x1000, global: false, writable: true };
  const state = initialState({
    cores,
    tables: { kernel: { [vpnOf(KERNEL_VA)]: { pa: 0x80008000, global: true, writable: true } }, A: user },
    vars: {},
    tasks: {},
    kernelTable: "kernel",
    pageOffset: 0xc0000000,
    ttbcrSplit: true,
    costs: defaultCosts,
  });
  const events: SimEvent[] = [];
  const engine = new Engine(
    {
      cores,
      pageOffset: 0xc0000000,
      tlbEntries: opts.tlbEntries ?? 16,
      tlbPolicy: opts.tlbPolicy ?? "lru",
      latencies: defaultLatencies,
      speculation: { enabled: false, rate: 0, vas: [] },
      maxEvents: opts.maxEvents ?? 10_000,
    },
    state,
    opts.chooser ?? new FifoChooser(),
    machineInvariants,
  );
  engine.events.subscribe((ev) => events.push(ev));
  const system: System = {
    main: (c): Program => main(c),
    ipiHandler: (c, msg): Program => {
      const h = handlers[msg.ipi];
      if (!h) throw new Error(`no handler ${msg.ipi}`);
      return h(c, msg);
    },
  };
  return { outcome: engine.run(system), state, events };
}

const on = <K extends SimEvent["type"]>(events: SimEvent[], type: K, core?: number): EventOf<K>[] =>
  events.filter((e): e is EventOf<K> => e.type === type && (core === undefined || e.core === core));

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

describe("broadcast TLB maintenance", () => {
  /** Core 0 has every other core fill its TLB (by IPI), then broadcasts `op` and waits at a DSB. */
  function fillThenBroadcast(cores: number, guestOn: number[], chooser?: Chooser): Hand {
    return handRun(
      cores,
      function* (c) {
        if (c !== 0) return;
        yield { k: "reg", regs: { ttbr0: "A", asid: 1 } };
        yield { k: "access", va: USER_VA, write: false };
        yield { k: "access", va: KERNEL_VA, write: false };
        yield { k: "ipi", to: Array.from({ length: cores - 1 }, (_, i) => i + 1), ipi: "fill", arg: 0, wait: true };
        yield { k: "wait-acks" };
        yield { k: "tlbi", op: { scope: "all" }, broadcast: true };
        yield { k: "dsb" };
      },
      {
        *fill(c) {
          if (guestOn.includes(c)) yield { k: "reg", regs: { vmid: 1 } };
          yield { k: "reg", regs: { ttbr0: "A", asid: 1 + c } };
          yield { k: "access", va: USER_VA, write: false };
          yield { k: "access", va: KERNEL_VA, write: false };
        },
      },
      chooser ? { chooser } : {},
    );
  }

  it("flushes every core's TLB on a broadcast TLBIALLIS", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const h = fillThenBroadcast(4, [], new RandomChooser(seed, 0));
      expect(h.outcome.violation).toBeNull();
      // Every core had filled two entries before the broadcast.
      for (let c = 0; c < 4; c++) expect(on(h.events, "tlb.fill", c)).toHaveLength(2);
      for (const core of h.state.cores) expect(core.tlb, `core ${core.id}, seed ${seed}`).toEqual([]);
      const tlbi = on(h.events, "tlbi", 0)[0]!;
      expect(tlbi.broadcast).toBe(true);
      expect(tlbi.msgs.map((m) => m.to)).toEqual([1, 2, 3]);
    }
  });

  it("holds the issuing core at its DSB until every other core has carried the TLBI out and acked", () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const h = fillThenBroadcast(4, [], new RandomChooser(seed, 0));
      const dsb = h.events.findIndex((e) => e.type === "barrier" && e.core === 0 && e.kind === "dsb");
      const tlbi = on(h.events, "tlbi", 0)[0]!;
      for (const m of tlbi.msgs) {
        const done = h.events.findIndex((e) => e.type === "bus.deliver" && e.msg.id === m.id);
        expect(done, `seed ${seed}: TLBI to core ${m.to}`).toBeGreaterThan(-1);
        expect(done).toBeLessThan(dsb);
        const ack = h.events.findIndex((e) => e.type === "bus.deliver" && e.msg.kind === "ack" && e.msg.of === m.id);
        expect(ack).toBeGreaterThan(done);
        expect(ack).toBeLessThan(dsb);
      }
    }
  });

  it("leaves other VMIDs' entries alone: an IS operation acts on the issuer's VMID on every core", () => {
    const h = fillThenBroadcast(3, [2]);
    expect(h.state.cores[1]!.tlb).toEqual([]);
    const guest = h.state.cores[2]!.tlb;
    expect(guest).toHaveLength(2);
    expect(guest.every((e) => e.vmid === 1)).toBe(true);
  });
});

describe("TLB replacement in the engine", () => {
  const touch = (vas: number[]) =>
    function* (c: number): Generator<Op, void, number> {
      if (c !== 0) return;
      yield { k: "reg", regs: { ttbr0: "A", asid: 1 } };
      for (const va of vas) yield { k: "access", va, write: false };
    };
  const page = (i: number): number => USER_VA + i * 0x1000;

  it("evicts the least recently used entry when the TLB is full", () => {
    const h = handRun(1, touch([page(0), page(1), page(0), page(2)]), {}, { tlbEntries: 2 });
    const last = on(h.events, "tlb.fill").at(-1)!;
    expect(last.va).toBe(page(2));
    expect(last.evicted).toBe(true);
    expect(h.state.cores[0]!.tlb.map((e) => e.vpn).sort((a, b) => a - b)).toEqual([vpnOf(page(0)), vpnOf(page(2))]);
  });

  it("records the victim of random replacement as a choice", () => {
    const h = handRun(
      1,
      touch([page(0), page(1), page(2)]),
      {},
      { tlbEntries: 2, tlbPolicy: "random", chooser: new RandomChooser(3, 0) },
    );
    const victim = on(h.events, "choice").filter((e) => e.kind === "victim");
    expect(victim).toHaveLength(1);
    expect(victim[0]!.of).toBe(2);
    expect(on(h.events, "tlb.fill").at(-1)!.slot).toBe(victim[0]!.pick);
  });

  it("counts a hit for an access that finds its entry and a walk of two steps for a miss", () => {
    const h = handRun(1, touch([page(0), page(0), page(0)]));
    const n = h.state.cores[0]!.counters;
    expect([n.accesses, n.hits, n.misses, n.walks, n.walkSteps]).toEqual([3, 2, 1, 1, 2]);
  });
});

describe("deadlock", () => {
  function abba(): Hand {
    return handRun(2, function* (c) {
      const [first, second] = c === 0 ? ["a", "b"] : ["b", "a"];
      yield { k: "lock", name: first };
      yield { k: "isb" };
      yield { k: "lock", name: second };
      yield { k: "unlock", name: second };
      yield { k: "unlock", name: first };
    });
  }

  it("reports two cores taking two locks in opposite orders as a liveness violation naming both", () => {
    const h = abba();
    const v = h.outcome.violation;
    expect(v?.invariant).toBe("liveness");
    expect(v!.message).toMatch(/core 0 waits for lock b held by core 1/);
    expect(v!.message).toMatch(/core 1 waits for lock a held by core 0/);
    const last = h.events.at(-1)!;
    expect(last.type).toBe("violation");
    // Each core recorded its wait once, instead of spinning through events.
    expect(on(h.events, "core.wait")).toHaveLength(2);
  });

  it("reports the stop reason of a deadlocked run as deadlock", () => {
    expect(abba().outcome.reason).toBe("deadlock");
  });

  it("reports an IPI that can never be delivered once every core has finished", () => {
    const h = handRun(
      2,
      function* (c) {
        if (c === 1) {
          yield { k: "reg", regs: { irqOn: false } };
          return;
        }
        yield { k: "isb" };
        yield { k: "isb" };
        yield { k: "ipi", to: [1], ipi: "ping", arg: 0, wait: false };
      },
      { ping: function* () {} },
    );
    expect(h.state.cores.every((c) => c.done)).toBe(true);
    expect(h.outcome.violation?.invariant).toBe("liveness");
    expect(h.outcome.violation!.message).toMatch(/never delivered: IPI #0 \(ping\) to core 1/);
  });

  it("finishes cleanly when every core is done and nothing is in flight", () => {
    const h = handRun(2, function* () {
      yield { k: "lock", name: "a" };
      yield { k: "unlock", name: "a" };
    });
    expect(h.outcome).toMatchObject({ reason: "done", violation: null });
  });
});
