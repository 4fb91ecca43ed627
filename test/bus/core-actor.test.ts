/** Core actors on the bus: each core does the receiver's work for the messages addressed to it, and only those. */
import { describe, expect, it } from "vitest";
import { Bus } from "../../bus/bus.js";
import { CoreActor, type CorePort } from "../../bus/core-actor.js";
import type { AckMessage, BusMessage, IpiMessage, TlbiMessage } from "../../bus/messages.js";
import type { TlbEntry } from "../../cores/tlb.js";

const entry = (vpn: number, asid: number): TlbEntry => ({
  vpn,
  asid,
  vmid: 0,
  global: false,
  pa: vpn,
  writable: true,
  table: "t",
  gen: 0,
  filledAt: 0,
  lastUsed: 0,
});

interface Took {
  msg: BusMessage;
  removed: number;
  ack: AckMessage | null;
  late?: TlbiMessage;
}

/** A port that writes down what the actors did; `picks` answers its choices in order. */
function fakePort(tlbs: TlbEntry[][], opts: { lateTlbi?: boolean; picks?: number[]; lagging?: TlbiMessage[] } = {}) {
  const took: Took[] = [];
  const interrupted: [number, number][] = [];
  const completed: number[] = [];
  let nextId = 100;
  const port: CorePort = {
    now: 7,
    lateTlbi: opts.lateTlbi === true,
    tlb: (c) => tlbs[c]!,
    ack: (from, to, of, kind) => ({ id: nextId++, from, to, of, for: kind, kind: "ack", sentAt: 7, deliverAt: 27 }),
    choose: () => opts.picks?.shift() ?? 0,
    lagging: (c, except) => (opts.lagging ?? []).filter((l) => l.to === c && l.id !== except),
    took: (msg, removed, ack, late) => took.push(late ? { msg, removed, ack, late } : { msg, removed, ack }),
    completed: (l) => completed.push(l.id),
    received: () => {},
    interrupted: (c, m) => interrupted.push([c, m.id]),
  };
  return { port, took, interrupted, completed };
}

const tlbi = (id: number, to: number, asid: number): TlbiMessage => ({
  id,
  from: 0,
  to,
  sentAt: 0,
  deliverAt: 20,
  kind: "tlbi",
  op: { scope: "asid", asid },
  vmid: 0,
});
const ipi = (id: number, to: number): IpiMessage => ({
  id,
  from: 0,
  to,
  sentAt: 0,
  deliverAt: 100,
  kind: "ipi",
  ipi: "reset-context",
  arg: 0,
});

function wired(cores: number, port: CorePort): Bus {
  const bus = new Bus(cores);
  for (let c = 0; c < cores; c++) new CoreActor(c, bus, port);
  return bus;
}

describe("a core actor", () => {
  it("counts what a broadcast TLBI removes from its own TLB and acks it to the sender", () => {
    const f = fakePort([[entry(1, 5)], [entry(1, 5), entry(2, 5), entry(3, 6)]]);
    wired(2, f.port).deliver(tlbi(3, 1, 5));
    expect(f.took).toEqual([
      { msg: tlbi(3, 1, 5), removed: 2, ack: expect.objectContaining({ from: 1, to: 0, of: 3, for: "tlbi" }) },
    ]);
  });

  it("takes an IPI by entering its handler, and only the core it is addressed to does", () => {
    const f = fakePort([[], [], []]);
    wired(3, f.port).deliver(ipi(4, 2));
    expect(f.interrupted).toEqual([[2, 4]]);
    expect(f.took.map((t) => [t.msg.to, t.removed, t.ack])).toEqual([[2, 0, null]]);
  });

  it("acks a TLBI early and queues its late completion when the machine's choice says so", () => {
    const f = fakePort([[], [entry(1, 5)]], { lateTlbi: true, picks: [1] });
    wired(2, f.port).deliver(tlbi(3, 1, 5));
    expect(f.took).toHaveLength(1);
    expect(f.took[0]!.removed).toBe(0);
    expect(f.took[0]!.late).toMatchObject({ id: 101, to: 1, late: true });
  });

  it("completes its lagging TLBIs before it takes any other message", () => {
    const lag: TlbiMessage = { ...tlbi(9, 1, 5), late: true };
    const f = fakePort([[], [entry(1, 5)]], { lateTlbi: true, lagging: [lag] });
    wired(2, f.port).deliver(ipi(10, 1));
    expect(f.completed).toEqual([9]);
    expect(f.took.map((t) => [t.msg.id, t.removed])).toEqual([
      [9, 1],
      [10, 0],
    ]);
  });
});

describe("the bus", () => {
  it("hands a receiver's exception to the caller of deliver, at once", () => {
    const bus = new Bus(1);
    bus.receive(0, (m) => {
      if (m.id === 1) throw new Error("receiver failed");
    });
    expect(() => bus.deliver(ipi(1, 0))).toThrow("receiver failed");
    // Reported once: the next delivery is a new one, and the receiver still listens.
    expect(() => bus.deliver(ipi(2, 0))).not.toThrow();
  });
});
