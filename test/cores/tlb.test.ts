/**
 * The TLB on its own: which entries a lookup matches (ARM ARM B3.9.1), which entries each maintenance
 * scope removes (B4.2.2), and which slot LRU replacement evicts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyTlbi, lookup, lruVictim, tlbiCount, tlbiMatches, tlbiVictims, type Tlbi, type TlbEntry } from "../../cores/tlb.js";

function entry(over: Partial<TlbEntry> = {}): TlbEntry {
  return {
    vpn: 8,
    asid: 1,
    vmid: 0,
    global: false,
    pa: 0x10000,
    writable: true,
    table: "A",
    gen: 0,
    filledAt: 0,
    lastUsed: 0,
    ...over,
  };
}

/** The entries of `tlb` that survive `op` performed on a core in `vmid`, by their pa (used as a name). */
function survivors(tlb: TlbEntry[], op: Tlbi, vmid: number): number[] {
  const copy = tlb.map((e) => ({ ...e }));
  applyTlbi(copy, op, vmid);
  return copy.map((e) => e.pa);
}

describe("TLB lookup", () => {
  it("matches a non-global entry only under the ASID it was filled with", () => {
    const tlb = [entry({ asid: 3 })];
    expect(lookup(tlb, 8, 3, 0)).toBe(0);
    expect(lookup(tlb, 8, 4, 0)).toBe(-1);
    expect(lookup(tlb, 8, 0, 0)).toBe(-1);
  });

  it("matches a global entry under any ASID", () => {
    const tlb = [entry({ asid: 3, global: true })];
    for (const asid of [0, 1, 3, 4, 255]) expect(lookup(tlb, 8, asid, 0)).toBe(0);
  });

  it("does not match a global entry from another VMID", () => {
    const tlb = [entry({ vmid: 1, global: true })];
    expect(lookup(tlb, 8, 1, 1)).toBe(0);
    expect(lookup(tlb, 8, 1, 0)).toBe(-1);
    expect(lookup(tlb, 8, 1, 2)).toBe(-1);
  });

  it("keeps the same ASID in two VMIDs apart", () => {
    const tlb = [entry({ vmid: 1, asid: 5, pa: 0x1000 }), entry({ vmid: 2, asid: 5, pa: 0x2000 })];
    expect(lookup(tlb, 8, 5, 1)).toBe(0);
    expect(lookup(tlb, 8, 5, 2)).toBe(1);
    expect(lookup(tlb, 8, 5, 0)).toBe(-1);
  });

  it("only matches the entry's own virtual page", () => {
    const tlb = [entry({ vpn: 8, global: true })];
    expect(lookup(tlb, 9, 1, 0)).toBe(-1);
    expect(lookup(tlb, 7, 1, 0)).toBe(-1);
  });

  it("returns the slot of the matching entry, not the first entry for the page", () => {
    const tlb = [entry({ asid: 1 }), entry({ asid: 2 }), entry({ vpn: 9, asid: 2 })];
    expect(lookup(tlb, 8, 2, 0)).toBe(1);
    expect(lookup(tlb, 9, 2, 0)).toBe(2);
  });

  it("agrees with the architectural rule: same page, same VMID, and global or same ASID", () => {
    const small = fc.integer({ min: 0, max: 3 });
    const anEntry = fc.record({ vpn: small, asid: small, vmid: small, global: fc.boolean() }).map((e) => entry(e));
    fc.assert(
      fc.property(fc.array(anEntry, { maxLength: 8 }), small, small, small, (tlb, vpn, asid, vmid) => {
        const i = lookup(tlb, vpn, asid, vmid);
        const rule = (e: TlbEntry): boolean => e.vpn === vpn && e.vmid === vmid && (e.global || e.asid === asid);
        if (i < 0) expect(tlb.some(rule)).toBe(false);
        else {
          expect(rule(tlb[i]!)).toBe(true);
          // The first match: nothing before it matches too.
          expect(tlb.slice(0, i).some(rule)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("TLB maintenance scopes", () => {
  // One TLB with a bit of everything; `pa` names each entry.
  const mixed = (): TlbEntry[] => [
    entry({ pa: 1, vpn: 8, asid: 1, vmid: 0 }),
    entry({ pa: 2, vpn: 9, asid: 1, vmid: 0 }),
    entry({ pa: 3, vpn: 8, asid: 2, vmid: 0 }),
    entry({ pa: 4, vpn: 8, asid: 7, vmid: 0, global: true }),
    entry({ pa: 5, vpn: 9, asid: 7, vmid: 0, global: true }),
    entry({ pa: 6, vpn: 8, asid: 1, vmid: 1 }),
    entry({ pa: 7, vpn: 8, asid: 7, vmid: 1, global: true }),
    entry({ pa: 8, vpn: 9, asid: 2, vmid: 2 }),
  ];

  it("TLBIALL removes every entry of the performing core's VMID, global ones too, and no other VMID's", () => {
    expect(survivors(mixed(), { scope: "all" }, 0)).toEqual([6, 7, 8]);
    expect(survivors(mixed(), { scope: "all" }, 1)).toEqual([1, 2, 3, 4, 5, 8]);
  });

  it("TLBIASID removes the ASID's non-global entries and leaves global entries alone", () => {
    expect(survivors(mixed(), { scope: "asid", asid: 1 }, 0)).toEqual([3, 4, 5, 6, 7, 8]);
    // ASID 7 only tags global entries here: nothing goes.
    expect(survivors(mixed(), { scope: "asid", asid: 7 }, 0)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("TLBIASID acts only within the performing core's VMID", () => {
    expect(survivors(mixed(), { scope: "asid", asid: 1 }, 1)).toEqual([1, 2, 3, 4, 5, 7, 8]);
  });

  it("TLBIMVA removes the page under the ASID and any global entry for the page", () => {
    expect(survivors(mixed(), { scope: "va", asid: 1, vpn: 8 }, 0)).toEqual([2, 3, 5, 6, 7, 8]);
  });

  it("TLBIMVA leaves other ASIDs' entries for the same page", () => {
    const left = survivors(mixed(), { scope: "va", asid: 2, vpn: 8 }, 0);
    expect(left).toContain(1);
    expect(left).not.toContain(3);
  });

  it("TLBIMVAA removes the page under every ASID of the VMID", () => {
    expect(survivors(mixed(), { scope: "vaa", vpn: 8 }, 0)).toEqual([2, 5, 6, 7, 8]);
    expect(survivors(mixed(), { scope: "vaa", vpn: 8 }, 1)).toEqual([1, 2, 3, 4, 5, 8]);
  });

  it("TLBI by VMID removes the named VMID's entries whatever VMID the core runs in", () => {
    expect(survivors(mixed(), { scope: "vmid", vmid: 2 }, 0)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(survivors(mixed(), { scope: "vmid", vmid: 1 }, 0)).toEqual([1, 2, 3, 4, 5, 8]);
  });

  it("TLBI by VMID without a VMID operand uses the performing core's VMID", () => {
    expect(survivors(mixed(), { scope: "vmid" }, 1)).toEqual([1, 2, 3, 4, 5, 8]);
  });

  it("TLBIALLNSNH (allvm) empties the TLB", () => {
    expect(survivors(mixed(), { scope: "allvm" }, 0)).toEqual([]);
    expect(survivors(mixed(), { scope: "allvm" }, 5)).toEqual([]);
  });

  it("removes exactly the entries tlbiMatches selects, keeps the rest in order, and counts them", () => {
    const small = fc.integer({ min: 0, max: 2 });
    const anEntry = fc.record({ vpn: small, asid: small, vmid: small, global: fc.boolean() });
    const anOp: fc.Arbitrary<Tlbi> = fc.oneof(
      fc.constant<Tlbi>({ scope: "all" }),
      fc.constant<Tlbi>({ scope: "allvm" }),
      small.map((asid): Tlbi => ({ scope: "asid", asid })),
      fc.tuple(small, small).map(([asid, vpn]): Tlbi => ({ scope: "va", asid, vpn })),
      small.map((vpn): Tlbi => ({ scope: "vaa", vpn })),
      small.map((vmid): Tlbi => ({ scope: "vmid", vmid })),
    );
    fc.assert(
      fc.property(fc.array(anEntry, { maxLength: 10 }), anOp, small, (raw, op, vmid) => {
        const tlb = raw.map((e, i) => entry({ ...e, pa: i }));
        const expectedGone = tlb.filter((e) => tlbiMatches(e, op, vmid)).map((e) => e.pa);
        const expectedKept = tlb.filter((e) => !tlbiMatches(e, op, vmid)).map((e) => e.pa);
        expect(tlbiVictims(tlb, op, vmid).map((i) => tlb[i]!.pa)).toEqual(expectedGone);
        expect(tlbiCount(tlb, op, vmid)).toBe(expectedGone.length);
        const copy = tlb.map((e) => ({ ...e }));
        expect(applyTlbi(copy, op, vmid)).toBe(expectedGone.length);
        expect(copy.map((e) => e.pa)).toEqual(expectedKept);
        // Whatever the scope, no entry of the op's target survives it.
        for (const e of copy) expect(tlbiMatches(e, op, vmid)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe("LRU replacement", () => {
  it("evicts the least recently used slot", () => {
    const tlb = [entry({ lastUsed: 30 }), entry({ lastUsed: 10 }), entry({ lastUsed: 20 })];
    expect(lruVictim(tlb)).toBe(1);
  });

  it("breaks ties towards the lowest slot", () => {
    const tlb = [entry({ lastUsed: 30 }), entry({ lastUsed: 5 }), entry({ lastUsed: 5 })];
    expect(lruVictim(tlb)).toBe(1);
  });

  it("goes by last use, not by when the entry was filled", () => {
    const tlb = [entry({ filledAt: 1, lastUsed: 50 }), entry({ filledAt: 40, lastUsed: 40 })];
    expect(lruVictim(tlb)).toBe(1);
  });

  it("always picks a slot whose last use is the minimum", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 1, maxLength: 12 }), (uses) => {
        const tlb = uses.map((u) => entry({ lastUsed: u }));
        const v = lruVictim(tlb);
        const min = Math.min(...uses);
        expect(uses[v]).toBe(min);
        expect(v).toBe(uses.indexOf(min));
      }),
    );
  });
});
