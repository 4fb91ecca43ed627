/**
 * The choosers' picks from the engine's ready view (counts, due-by-a-time, k-th due) are the picks
 * they make from the listed options: same draws, same index, for the random strategy with and without
 * a window and for FIFO, over ready cores and messages of every kind in flight.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BusMessage } from "../../bus/messages.js";
import { FifoChooser, RandomChooser, type StepOption } from "../../src/engine/chooser.js";
import { ReadySet } from "../../src/engine/ready.js";

const LATENCY = { ipi: 100, tlbi: 20, ack: 20 } as const;

function msg(id: number, kind: "ipi" | "tlbi" | "ack", sentAt: number, to: number): BusMessage {
  const env = { id, from: 0, to, sentAt, deliverAt: sentAt + LATENCY[kind] };
  if (kind === "ipi") return { ...env, kind, ipi: "x", arg: 0 };
  if (kind === "tlbi") return { ...env, kind, op: { scope: "all" }, vmid: 0 };
  return { ...env, kind, of: 0, for: "tlbi" };
}

const aMachine = fc.record({
  readyAt: fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 8 }),
  ready: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  // Sends at a clock that never goes back: gaps between sends, kinds, receivers.
  sends: fc.array(
    fc.record({
      gap: fc.integer({ min: 0, max: 15 }),
      kind: fc.constantFrom("ipi" as const, "tlbi" as const, "ack" as const),
      to: fc.nat(7),
    }),
    { maxLength: 40 },
  ),
  delivered: fc.array(fc.nat(39), { maxLength: 20 }),
  masked: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  specs: fc.nat(3),
  seed: fc.nat(1000),
  window: fc.constantFrom(Infinity, 0, 5, 20, 100),
  // Then cores step (their readyAt moves later), leave and come back.
  moves: fc.array(fc.record({ c: fc.nat(7), dt: fc.integer({ min: 1, max: 60 }), ready: fc.boolean() }), { maxLength: 12 }),
  // Message slots to start with: few, so that sends move and grow them.
  capacity: fc.constantFrom(2, 4, 256),
  // After each move: a message sent or delivered, a core's interrupts masked or unmasked.
  later: fc.array(
    fc.record({
      kind: fc.constantFrom("ipi" as const, "tlbi" as const, "ack" as const),
      to: fc.nat(7),
      deliver: fc.nat(60),
      irq: fc.boolean(),
    }),
    { maxLength: 12 },
  ),
});

describe("the engine's ready view", () => {
  it("gives every chooser the pick it makes from the listed options", () => {
    fc.assert(
      fc.property(aMachine, (m) => {
        const n = m.readyAt.length;
        const set = new ReadySet(n, () => true, m.readyAt, m.capacity);
        for (let c = 0; c < n; c++) set.setCore(c, m.ready[c]!);
        let t = 0;
        const sent = m.sends.map((s, id) => msg(id, s.kind, (t += s.gap), s.to % n));
        for (const s of sent) set.sent(s);
        const gone = new Set<number>();
        for (const d of m.delivered) {
          if (!sent[d]) continue;
          set.delivered(sent[d]);
          gone.add(d);
        }
        const masked = m.masked.slice(0, n);
        for (let c = 0; c < n; c++) set.irqChanged(c, !masked[c]);
        set.specs = m.specs;
        const listed = (): BusMessage[] => {
          const out: BusMessage[] = [];
          set.listMsgs(out);
          return out;
        };
        const agree = (): void => {
          const options: StepOption[] = [
            ...set.cores.map((c) => ({ readyAt: m.readyAt[c]!, spec: false, key: c })),
            ...listed().map((x) => ({ readyAt: x.deliverAt, spec: false, key: 64 + x.id })),
            ...Array.from({ length: m.specs }, (_, i) => ({ readyAt: 0, spec: true, key: -1 - i })),
          ];
          // What the lists hold: cores that are ready, messages not delivered and not IPIs to masked cores.
          const expected = sent.filter((x, id) => !gone.has(id) && !(x.kind === "ipi" && masked[x.to]));
          expect(listed().map((x) => x.id)).toEqual(expected.map((x) => x.id));
          expect(expected.map((_, i) => set.msgAt(i).id)).toEqual(expected.map((x) => x.id));
          const of = options.length;
          if (of === 0) return;
          const a = new RandomChooser(m.seed, 0.3, m.window);
          const b = new RandomChooser(m.seed, 0.3, m.window);
          for (let k = 0; k < 5; k++) expect(b.pickByCount(set)).toBe(a.pick("step", of, options));
          expect(new FifoChooser().pickByCount(set)).toBe(new FifoChooser().pick("step", of, options));
        };
        agree();
        m.moves.forEach((mv, i) => {
          const c = mv.c % n;
          const was = m.readyAt[c]!;
          m.readyAt[c] = was + mv.dt;
          set.coreMoved(c, was);
          set.setCore(c, mv.ready);
          agree();
          const l = m.later[i];
          if (!l) return;
          const to = l.to % n;
          if (sent[l.deliver] && !gone.has(l.deliver)) {
            set.delivered(sent[l.deliver]!);
            gone.add(l.deliver);
          } else {
            const x = msg(sent.length, l.kind, (t += mv.dt), to);
            sent.push(x);
            set.sent(x);
          }
          masked[to] = !l.irq;
          set.irqChanged(to, l.irq);
          agree();
        });
      }),
      { numRuns: 250 },
    );
  });
});
