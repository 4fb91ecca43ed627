/** TLB use and maintenance, page-table writes (cores/tlb.ts does the TLB's own work). */
import { vpnOf } from "../../cores/page-table.js";
import { applyTlbi, fillSlot, touchSlot, type TlbiScope } from "../../cores/tlb.js";
import type { TlbEvent } from "../events/tlb-events.js";
import { staleKey } from "./machine-state.js";
import { ownTable } from "./own-table.js";
import { send, type ReducerTable } from "./reducer.js";
import { mirrorTlb } from "./shared-tlb.js";
import { tablePageAllocated, walkCacheFilled, walkCacheInvalidated } from "./table-pages.js";

export const isFull = (scope: TlbiScope): boolean => scope === "all" || scope === "allvm" || scope === "vmid";

export const tlbReducers: ReducerTable<TlbEvent> = {
  "tlb.hit": (s, ev, c) => {
    touchSlot(c.tlb, ev.slot, ev.seq);
    if (s.tlbSiblings) mirrorTlb(s, ev.core, (t) => touchSlot(t, ev.slot, ev.seq));
    c.counters.accesses++;
    c.counters.hits++;
    c.counters.cycles += s.costs.accessCycles;
  },
  "tlb.fill": (s, ev, c) => {
    const n = c.counters;
    const k = s.costs;
    if (ev.spec) n.specWalks++;
    else {
      n.accesses++;
      n.misses++;
      n.cycles += k.accessCycles;
    }
    n.walks++;
    n.walkSteps += ev.steps;
    n.cycles += ev.steps * k.walkStepCycles;
    fillSlot(c.tlb, ev.slot, ev.entry);
    if (s.tlbSiblings) mirrorTlb(s, ev.core, (t) => fillSlot(t, ev.slot, ev.entry));
    if (ev.wc) walkCacheFilled(s, c, ev);
  },
  "mmu.fault": (s, ev, c) => {
    const n = c.counters;
    const k = s.costs;
    if (!ev.spec) {
      n.accesses++;
      n.misses++;
      n.faults++;
      n.cycles += k.accessCycles;
    }
    n.walks++;
    n.walkSteps += ev.steps;
    n.cycles += ev.steps * k.walkStepCycles;
  },
  tlbi: (s, ev, c) => {
    applyTlbi(c.tlb, ev.op, c.regs.vmid);
    if (s.tlbSiblings) mirrorTlb(s, ev.core, (t) => applyTlbi(t, ev.op, c.regs.vmid));
    if (s.walkCache) walkCacheInvalidated(s, c, ev.op, c.regs.vmid);
    c.counters.flushes++;
    if (isFull(ev.op.scope)) c.counters.fullFlushes++;
    c.counters.entriesFlushed += ev.removed;
    c.counters.cycles += s.costs.tlbiCycles;
    if (ev.broadcast) c.tlbiAcksOutstanding += ev.msgs.length;
    for (const m of ev.msgs) send(s, m);
  },
  "pte.write": (s, ev, c) => {
    const table = ownTable(s, ev.table);
    const vpn = vpnOf(ev.va);
    const old = table[vpn];
    if (old) (s.stale[staleKey(ev.table, vpn)] ??= []).push(old.pa);
    if (ev.pte) table[vpn] = { ...ev.pte };
    else delete table[vpn];
    if (ev.ptAlloc !== undefined) tablePageAllocated(s, ev.table, ev.va, ev.ptAlloc);
    c.counters.cycles += s.costs.atomicCycles;
  },
  "pte.retire": (s, ev, c) => {
    delete s.stale[staleKey(ev.table, vpnOf(ev.va))];
    c.counters.cycles += s.costs.otherCycles;
  },
};
