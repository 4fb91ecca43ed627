/**
 * The engine end to end, continued: broadcast TLB maintenance, TLB replacement, and deadlocks reported
 * as liveness violations, on hand-built machines (hand-machine.ts).
 */
import { describe, expect, it } from "vitest";
import { vpnOf } from "../../cores/page-table.js";
import { RandomChooser, type Chooser } from "../../src/engine/chooser.js";
import type { Op } from "../../src/engine/ops.js";
import { KERNEL_VA, USER_VA, handRun, on, type Hand } from "./hand-machine.js";

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
