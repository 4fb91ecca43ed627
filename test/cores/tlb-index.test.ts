/**
 * The TLB index (O(1) lookup and LRU victim) gives exactly what the linear definitions give, whatever
 * sequence of fills, uses and maintenance the TLB went through, including duplicate and global entries
 * and LRU ties.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyTlbi,
  fillSlot,
  findEntry,
  lookup,
  lruVictim,
  touchSlot,
  victimSlot,
  type Tlbi,
  type TlbEntry,
} from "../../cores/tlb.js";
import { addKey, buildIndex, indexedLookup, removeKey } from "../../cores/tlb-index.js";
import { setLruVictim } from "../../cores/tlb-sets.js";

const small = fc.integer({ min: 0, max: 3 });
const anEntry = fc.record({
  vpn: small,
  asid: small,
  vmid: fc.integer({ min: 0, max: 1 }),
  global: fc.boolean(),
  lastUsed: fc.integer({ min: 0, max: 2 }),
});
const aTlbi: fc.Arbitrary<Tlbi> = fc.oneof(
  fc.record({ scope: fc.constant("va" as const), vpn: small, asid: small }),
  fc.record({ scope: fc.constant("asid" as const), asid: small }),
  fc.record({ scope: fc.constant("all" as const) }),
);
type Step =
  | { k: "fill"; e: { vpn: number; asid: number; vmid: number; global: boolean }; at: number }
  | { k: "touch"; at: number }
  | { k: "tlbi"; op: Tlbi; vmid: number };
const aStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ k: fc.constant("fill" as const), e: anEntry, at: fc.nat(100) }),
  fc.record({ k: fc.constant("touch" as const), at: fc.nat(100) }),
  fc.record({ k: fc.constant("tlbi" as const), op: aTlbi, vmid: fc.integer({ min: 0, max: 1 }) }),
);

function entry(e: { vpn: number; asid: number; vmid: number; global: boolean; lastUsed?: number }, seq: number): TlbEntry {
  return { pa: 0, writable: true, table: "A", gen: 0, filledAt: seq, lastUsed: seq, ...e };
}

describe("the TLB index", () => {
  it("finds the same slot as a linear lookup and evicts the same LRU slot after any history", () => {
    fc.assert(
      fc.property(fc.array(anEntry, { minLength: 64, maxLength: 80 }), fc.array(aStep, { maxLength: 60 }), (initial, steps) => {
        const tlb = initial.map((e) => entry(e, e.lastUsed));
        let seq = 10;
        const check = (): void => {
          for (let vpn = 0; vpn < 4; vpn++)
            for (let asid = 0; asid < 4; asid++)
              for (let vmid = 0; vmid < 2; vmid++) expect(findEntry(tlb, vpn, asid, vmid)).toBe(lookup(tlb, vpn, asid, vmid));
          if (tlb.length > 0) expect(victimSlot(tlb)).toBe(lruVictim(tlb));
          // A set-associative victim (the ways of a set: here every fourth slot) from the index's last uses.
          for (let k = 0; k < 4; k++) {
            const ways = tlb.map((_, i) => i).filter((i) => i % 4 === k);
            if (ways.length > 0) expect(setLruVictim(tlb, ways)).toBe(ways[lruVictim(ways.map((i) => tlb[i]!))]);
          }
        };
        check();
        for (const st of steps) {
          seq++;
          if (st.k === "fill") fillSlot(tlb, Math.min(st.at, tlb.length), entry(st.e, seq));
          else if (st.k === "touch" && tlb.length > 0) touchSlot(tlb, st.at % tlb.length, seq);
          else if (st.k === "tlbi") applyTlbi(tlb, st.op, st.vmid);
          check();
        }
      }),
      { numRuns: 150 },
    );
  });

  it("finds what a linear lookup finds for pages, ASIDs and VMIDs beyond small integers, after fills and uses", () => {
    // Many distinct keys (few duplicates), so that runs of hash cells of different keys meet.
    const vpns = [...Array.from({ length: 40 }, (_, i) => i), 2 ** 21, 2 ** 32 + 5, 2 ** 45 + 1];
    const asids = [0, 1, 65535, 70000];
    const big = fc.record({
      vpn: fc.constantFrom(...vpns),
      asid: fc.constantFrom(...asids),
      vmid: fc.constantFrom(0, 40000),
      global: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(big, { minLength: 64, maxLength: 200 }),
        fc.array(fc.nat(200), { maxLength: 40 }),
        (fills, touches) => {
          const tlb: TlbEntry[] = [];
          let seq = 0;
          for (const e of fills) {
            seq++;
            fillSlot(tlb, tlb.length >= 64 && seq % 4 === 0 ? seq % tlb.length : tlb.length, entry(e, seq));
            findEntry(tlb, 0, 0, 0);
          }
          for (const t of touches) touchSlot(tlb, t % tlb.length, ++seq);
          for (const vpn of vpns)
            for (const asid of asids)
              for (const vmid of [0, 40000]) expect(findEntry(tlb, vpn, asid, vmid)).toBe(lookup(tlb, vpn, asid, vmid));
          expect(victimSlot(tlb)).toBe(lruVictim(tlb));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("the TLB index's hash cells", () => {
  // A 64-slot index has 128 cells; pages whose keys hash to the cells at and around the end of the table.
  const home = (vpn: number): number => buildIndex([entry({ vpn, asid: 1, vmid: 0, global: false }, 0)]).home[0]!;
  function pagesHomedAt(homes: readonly number[]): number[] {
    const found: number[] = homes.map(() => -1);
    for (let vpn = 0; found.includes(-1); vpn++) {
      const k = homes.findIndex((h, n) => h === home(vpn) && found[n] === -1);
      if (k >= 0) found[k] = vpn;
    }
    return found;
  }
  function indexed(pages: readonly number[]): ReturnType<typeof buildIndex> {
    const ix = buildIndex([]);
    pages.forEach((vpn, s) => addKey(ix, entry({ vpn, asid: 1, vmid: 0, global: false }, s), s));
    return ix;
  }

  it("moves an entry back across the end of the table when a removal frees a cell before its home", () => {
    const [a, b] = pagesHomedAt([127, 127]);
    const [c] = pagesHomedAt([0]);
    const ix = indexed([a!, b!, c!]);
    expect([ix.cells[127], ix.cells[0], ix.cells[1]]).toEqual([1, 2, 3]);
    removeKey(ix, 0);
    expect(indexedLookup(ix, a!, 1, 0)).toBe(-1);
    expect(indexedLookup(ix, b!, 1, 0)).toBe(1);
    expect(indexedLookup(ix, c!, 1, 0)).toBe(2);
  });

  it("leaves an entry at its home past the end of the table when the freed cell is before the end", () => {
    const [x, y, z] = pagesHomedAt([126, 127, 0]);
    const ix = indexed([x!, y!, z!]);
    expect([ix.cells[126], ix.cells[127], ix.cells[0]]).toEqual([1, 2, 3]);
    removeKey(ix, 0);
    expect(indexedLookup(ix, x!, 1, 0)).toBe(-1);
    expect(indexedLookup(ix, y!, 1, 0)).toBe(1);
    expect(indexedLookup(ix, z!, 1, 0)).toBe(2);
  });
});
