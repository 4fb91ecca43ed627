/**
 * A set-associative TLB (machine.tlbWays): a fill into a full set evicts within that set even when
 * other sets have room; with one set it is the fully associative TLB event for event; a number of ways
 * that does not divide the entries is refused naming the field.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readScenario } from "../../scenarios/format.js";
import type { SimEvent } from "../../src/events/index.js";
import { runScenario } from "../../src/run/run-scenario.js";
import { applyTlbi, fillSlot, type TlbEntry } from "../../cores/tlb.js";
import { setLruVictim, setOf, setSlots } from "../../cores/tlb-sets.js";

const hex = (n: number): string => "0x" + n.toString(16);

/** One core, one task that reads the given pages (VPNs) in order, `times` times. */
function scenario(pages: readonly number[], machine: Record<string, unknown>, times = 1): unknown {
  const table: Record<string, { pa: string }> = {};
  for (const p of pages) table[hex(p * 0x1000)] = { pa: hex(0x10000000 + p * 0x1000) };
  return {
    id: "tlb-sets",
    expect: "clean",
    machine: { cores: 1, maxEvents: 5000, ...machine },
    tables: { m: table, kernel: {} },
    kernelTable: "kernel",
    kernel: { asidAllocator: "static", asidBits: 8, switchSequence: "reserved-asid" },
    tasks: [
      { id: "t", mm: "m", script: [{ op: "repeat", times, body: pages.map((p) => ({ op: "read", va: hex(p * 0x1000) })) }] },
    ],
  };
}

async function fills(raw: unknown, seed = 1): Promise<SimEvent[]> {
  const sc = readScenario(raw, "test.json");
  const r = await runScenario({ scenario: sc, baseDir: ".", seed, strategy: "random", keepEvents: true, keepSchedule: false });
  return r.events;
}

describe("a set-associative TLB", () => {
  it("evicts within the page's set while another set has free ways", async () => {
    // 4 entries, 2 ways: 2 sets; pages 1, 3, 5 all index set 1 (VPN mod 2).
    const evs = (await fills(scenario([1, 3, 5, 2], { tlbEntries: 4, tlbWays: 2 }))).filter((e) => e.type === "tlb.fill");
    const byVpn = (vpn: number) => evs.find((e) => e.type === "tlb.fill" && e.entry.vpn === vpn)!;
    expect(byVpn(1).type === "tlb.fill" && byVpn(1).evicted).toBe(false);
    const third = byVpn(5);
    const first = byVpn(1);
    if (third.type !== "tlb.fill" || first.type !== "tlb.fill") throw new Error("no fill");
    expect(third.evicted).toBe(true);
    // The least recently used way of set 1: page 1's slot.
    expect(third.slot).toBe(first.slot);
    const fourth = byVpn(2);
    expect(fourth.type === "tlb.fill" && fourth.evicted).toBe(false);
  });

  it("with one set behaves as the fully associative TLB, event for event", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 10 }),
        fc.constantFrom(1, 2, 4, 8),
        fc.constantFrom("lru" as const, "random" as const),
        fc.nat(50),
        async (pages, entries, policy, seed) => {
          const uniq = [...new Set(pages)];
          const full = await fills(scenario(uniq, { tlbEntries: entries, tlbPolicy: policy }, 3), seed);
          const oneSet = await fills(scenario(uniq, { tlbEntries: entries, tlbWays: entries, tlbPolicy: policy }, 3), seed);
          expect(oneSet).toEqual(full);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("refuses ways that do not divide the entries, naming the field", () => {
    expect(() => readScenario(scenario([1], { tlbEntries: 64, tlbWays: 5 }), "s.json")).toThrow(
      /machine\.tlbWays: must divide machine\.tlbEntries/,
    );
    expect(() => readScenario(scenario([1], { tlbEntries: 64, tlbWays: 0 }), "s.json")).toThrow(/machine\.tlbWays/);
  });

  it("keeps each set's slots as a pass over the entries finds them, through fills and maintenance", () => {
    const aStep = fc.oneof(
      fc.record({ k: fc.constant("fill" as const), vpn: fc.nat(15) }),
      fc.record({ k: fc.constant("tlbi" as const), vpn: fc.nat(15) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 4), fc.constantFrom(1, 2, 3), fc.array(aStep, { maxLength: 60 }), (sets, ways, steps) => {
        const tlb: TlbEntry[] = [];
        steps.forEach((st, seq) => {
          if (st.k === "tlbi") {
            applyTlbi(tlb, { scope: "vaa", vpn: st.vpn }, 0);
            return;
          }
          const set = setSlots(tlb, st.vpn, sets);
          const slot = set.length < ways ? tlb.length : setLruVictim(tlb, set);
          fillSlot(tlb, slot, {
            vpn: st.vpn,
            asid: 0,
            vmid: 0,
            global: false,
            pa: 0,
            writable: true,
            table: "A",
            gen: 0,
            filledAt: seq,
            lastUsed: seq,
          });
        });
        for (let vpn = 0; vpn < 16; vpn++) {
          const linear = tlb.flatMap((e, i) => (setOf(e.vpn, sets) === setOf(vpn, sets) ? [i] : []));
          expect([...setSlots(tlb, vpn, sets)]).toEqual(linear);
          expect(linear.length).toBeLessThanOrEqual(ways);
        }
      }),
      { numRuns: 200 },
    );
  });
});
