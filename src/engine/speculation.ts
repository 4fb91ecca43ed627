/**
 * The speculative walks each core could do now: for each VA the hardware may walk, one that would fill
 * something new (a walk that faults, or finds its entry already in the TLB, changes nothing). Listed at
 * every step, so the list is kept per core and recomputed only after an event that may change what a
 * walk of that core finds: its registers or TLB (an event on that core), or the page tables (any core).
 */
import { vpnOf } from "../../cores/page-table.js";
import { findEntry } from "../../cores/tlb.js";
import { walk } from "../../cores/walk.js";
import type { SimEvent } from "../events/index.js";
import type { CoreArea } from "../events/spec.js";
import { EVENT_SPECS, EVENT_TYPES } from "../events/specs.js";
import type { MachineState } from "../state/machine-state.js";
import type { EngineOptions } from "./machine.js";

export interface SpecItem {
  k: "spec";
  c: number;
  va: number;
  vaIndex: number;
}

// A core's speculative walks depend on its registers, TLB contents and done flag, and on the page
// tables. From each event type's spec (src/events/*-spec.ts), one lookup: 1 changes none of them, 2
// only its own core's; absent (tables, or a type without a spec): every core's. A prototype-less
// object: a property load is cheaper than a Map lookup, and this runs for every event.
const WALK_INPUTS: ReadonlySet<CoreArea> = new Set<CoreArea>(["regs", "tlb", "done"]);
const EFFECT: Record<string, number> = Object.create(null) as Record<string, number>;
for (const t of EVENT_TYPES) {
  const { own, shared } = EVENT_SPECS[t].changes;
  if (shared.includes("tables")) continue;
  EFFECT[t] = own.some((a) => WALK_INPUTS.has(a)) ? 2 : 1;
}

export class SpeculativeWalks {
  private readonly lists: SpecItem[][];
  private readonly valid: boolean[];
  /** One item object per (core, VA), reused. */
  private readonly items: SpecItem[][];

  constructor(private readonly opts: EngineOptions) {
    const vas = opts.speculation.vas;
    this.items = Array.from({ length: opts.cores }, (_, c) => vas.map((va, vaIndex) => ({ k: "spec" as const, c, va, vaIndex })));
    this.lists = Array.from({ length: opts.cores }, () => []);
    this.valid = new Array<boolean>(opts.cores).fill(false);
  }

  /** Core c's walks that would fill something, in VA order. */
  of(s: MachineState, c: number): readonly SpecItem[] {
    if (this.valid[c]) return this.lists[c]!;
    const list = this.lists[c]!;
    list.length = 0;
    const core = s.cores[c]!;
    // In Hyp mode the PL1&0 regime (TTBR0/TTBR1/VTTBR) is not the one in use: we speculate walks only
    // for the regime in use (cores with errata such as Cortex-A76 1165522 "speculative AT" do not).
    if (!core.done && core.regs.mode !== "HYP") {
      const off = vpnOf(this.opts.pageOffset);
      for (const item of this.items[c]!) {
        const vpn = vpnOf(item.va);
        if (findEntry(core.tlb, vpn, core.regs.asid, core.regs.vmid) >= 0) continue;
        if (!walk(s.tables, core.regs, vpn, off).pte) continue;
        list.push(item);
      }
    }
    this.valid[c] = true;
    return list;
  }

  /** After every event: forget what it may have changed (an unknown event type: everything). */
  seen(ev: SimEvent): void {
    const effect = EFFECT[ev.type];
    if (effect === 1) return;
    // A shared TLB's change is each sibling's too (src/state/shared-tlb.ts): forget every core's.
    if (effect === 2 && ev.core >= 0 && !this.opts.sharedTlb) this.valid[ev.core] = false;
    else this.valid.fill(false);
  }
}
