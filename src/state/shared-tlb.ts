/**
 * TLBs shared between cores (machine.sharedTlb, off by default): SMT siblings, or cores whose TTBRs set
 * CnP (ARMv8.2 "Common not Private", ARM ARM DDI 0487 D5.10.3 / D8.13 "Translation table walk with
 * Common not Private"): "a TLB entry that was allocated by one PE can be used by another PE in the same
 * group for translations with the same ASID and VMID". A group's cores hold equal copies of one TLB:
 * every change to one core's TLB (fill, use, maintenance) is made to each sibling's in the same event,
 * so a fill by any core is visible to the group and a TLBI by any of them acts on all. Copies, not one
 * aliased array: snapshots, time travel and the reducer's immer path stay plain trees.
 */
import type { TlbEntry } from "../../cores/tlb.js";
import type { MachineState } from "./machine-state.js";

export { siblingsOf } from "./tlb-groups.js";

/** The core whose number names core c's TLB (the lowest of its group): DPOR's `tlb:C` object. */
export function tlbOwner(s: MachineState, c: number): number {
  const sib = s.tlbSiblings?.[c];
  if (!sib || !sib.length) return c;
  return Math.min(c, ...sib);
}

/** Does the same change to each sibling of `core`'s TLB (nothing on a machine without shared TLBs). */
export function mirrorTlb(s: MachineState, core: number, change: (tlb: TlbEntry[]) => void): void {
  const sib = s.tlbSiblings?.[core];
  if (!sib) return;
  for (const o of sib) change(s.cores[o]!.tlb);
}
