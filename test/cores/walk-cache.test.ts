/**
 * The walk cache's maintenance rules (cores/walk-cache.ts): what each TLBI removes, last-level forms
 * leaving level-1 entries, ASID tagging, FIFO replacement.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Tlbi } from "../../cores/tlb.js";
import {
  walkCacheFill,
  walkCacheLookup,
  walkCacheTlbi,
  type WalkCacheConfig,
  type WalkCacheEntry,
} from "../../cores/walk-cache.js";

const TAGGED: WalkCacheConfig = { entries: 4, asidTagged: true };
const UNTAGGED: WalkCacheConfig = { entries: 4, asidTagged: false };
const entry = (l1: number, asid: number, vmid = 0): WalkCacheEntry => ({
  l1,
  pfn: 0x70000 + l1,
  asid,
  vmid,
  table: "A",
  filledAt: 0,
});
const after = (cfg: WalkCacheConfig, es: WalkCacheEntry[], op: Tlbi, vmid = 0): WalkCacheEntry[] => {
  const wc = es.map((e) => ({ ...e }));
  walkCacheTlbi(wc, cfg, op, vmid);
  return wc;
};
const VPN_OF_L1 = (l1: number): number => l1 * 512 + 7;

describe("walk cache maintenance", () => {
  it("keeps level-1 entries under a last-level TLBI by VA (VALE1, TLBIMVAL)", () => {
    const es = [entry(1, 5)];
    expect(after(TAGGED, es, { scope: "va", asid: 5, vpn: VPN_OF_L1(1), leaf: true })).toHaveLength(1);
    expect(after(TAGGED, es, { scope: "vaa", vpn: VPN_OF_L1(1), leaf: true })).toHaveLength(1);
  });

  it("removes the VA's level-1 entry under a TLBI by VA of all levels (VAE1, TLBIMVA), and only that one", () => {
    const es = [entry(1, 5), entry(2, 5), entry(1, 6)];
    expect(after(TAGGED, es, { scope: "va", asid: 5, vpn: VPN_OF_L1(1) })).toEqual([entry(2, 5), entry(1, 6)]);
    expect(after(TAGGED, es, { scope: "vaa", vpn: VPN_OF_L1(1) })).toEqual([entry(2, 5)]);
  });

  it("removes a tagged ASID's entries by ASID, and every untagged entry whatever the ASID", () => {
    const es = [entry(1, 5), entry(2, 6)];
    expect(after(TAGGED, es, { scope: "asid", asid: 5 })).toEqual([entry(2, 6)]);
    expect(after(UNTAGGED, es, { scope: "asid", asid: 5 })).toEqual([]);
  });

  it("removes the current VMID's entries by ALL, and every VMID's by ALLNSNH", () => {
    const es = [entry(1, 5, 0), entry(1, 5, 3)];
    expect(after(TAGGED, es, { scope: "all" })).toEqual([entry(1, 5, 3)]);
    expect(after(TAGGED, es, { scope: "allvm" })).toEqual([]);
  });

  it("matches another ASID's entry only when not ASID-tagged", () => {
    const wc = [entry(1, 5)];
    expect(walkCacheLookup(wc, TAGGED, VPN_OF_L1(1), 6, 0)).toBe(-1);
    expect(walkCacheLookup(wc, UNTAGGED, VPN_OF_L1(1), 6, 0)).toBe(0);
    expect(walkCacheLookup(wc, TAGGED, VPN_OF_L1(1), 5, 1)).toBe(-1);
  });

  it("replaces the oldest entry when full, and an entry of the same tag in place", () => {
    const wc: WalkCacheEntry[] = [];
    for (let l1 = 0; l1 < 5; l1++) walkCacheFill(wc, TAGGED, entry(l1, 1));
    expect(wc.map((e) => e.l1)).toEqual([1, 2, 3, 4]);
    walkCacheFill(wc, TAGGED, { ...entry(2, 1), pfn: 9 });
    expect(wc.map((e) => [e.l1, e.pfn])).toEqual([
      [1, 0x70001],
      [3, 0x70003],
      [4, 0x70004],
      [2, 9],
    ]);
  });

  it("never loses an entry to a last-level TLBI, whatever its scope's fields (property)", () => {
    const arbEntry = fc.record({ l1: fc.nat(8), asid: fc.nat(4), vmid: fc.nat(2) }).map((e) => entry(e.l1, e.asid, e.vmid));
    fc.assert(
      fc.property(
        fc.array(arbEntry, { maxLength: 6 }),
        fc.constantFrom<"va" | "vaa">("va", "vaa"),
        fc.nat(8 * 512),
        fc.nat(4),
        fc.boolean(),
        (es, scope, vpn, asid, tagged) => {
          expect(after(tagged ? TAGGED : UNTAGGED, es, { scope, asid, vpn, leaf: true })).toEqual(es);
        },
      ),
    );
  });
});
