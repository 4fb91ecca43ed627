/**
 * A memory access by a core, or a speculative walk: a TLB hit, or a walk (through the walk cache and,
 * under armv8, the descriptors a walk may still read) and a fill, or a translation fault.
 */
import { hex, PAGE_SIZE, vpnOf } from "../../cores/page-table.js";
import { findEntry, victimSlot, type TlbEntry } from "../../cores/tlb.js";
import { setLruVictim, setSlots } from "../../cores/tlb-sets.js";
import { walk, type WalkResult } from "../../cores/walk.js";
import type { WalkCacheUse } from "../events/tlb-events.js";
import type { Machine } from "./machine.js";
import { cachedWalk } from "./cached-walk.js";
import { walkTables } from "./stale-walk.js";

/**
 * A memory access (or, with `spec`, a speculative walk): hit, or walk and fill, or fault.
 * Returns 1 when the VA translated, 0 on a translation fault.
 */
export function access(m: Machine, c: number, va: number, write: boolean, spec: boolean): number {
  const s = m.state;
  const core = s.cores[c]!;
  const vpn = vpnOf(va);
  const slot = findEntry(core.tlb, vpn, core.regs.asid, core.regs.vmid);
  if (slot >= 0 && !spec) {
    m.record({ seq: s.seq, t: m.now, core: c, type: "tlb.hit", va, slot, write });
    return 1;
  }
  const pte = m.mem
    ? walkTables(s.tables, core.regs, c, va, vpnOf(m.opts.pageOffset), m.mem.ptes, (what) => m.choose(c, "read", 2, what))
    : undefined;
  const tables = pte?.tables ?? s.tables;
  const w: WalkResult & { wc?: WalkCacheUse } = s.walkCache
    ? cachedWalk(s, core, tables, vpn, vpnOf(m.opts.pageOffset))
    : walk(tables, core.regs, vpn, vpnOf(m.opts.pageOffset));
  if (!w.pte) {
    if (pte)
      m.record({ seq: s.seq, t: m.now, core: c, type: "mmu.fault", va, spec, table: w.table, steps: w.steps, pte: pte.read });
    else m.record({ seq: s.seq, t: m.now, core: c, type: "mmu.fault", va, spec, table: w.table, steps: w.steps });
    return 0;
  }
  let target = slot;
  let evicted = false;
  if (target < 0) {
    // Set-associative (cores/tlb-sets.ts): a free way in the page's set, else a victim among its ways.
    const ways = m.opts.tlbWays;
    const set = ways === undefined ? null : setSlots(core.tlb, vpn, m.opts.tlbEntries / ways);
    if (set ? set.length < ways! : core.tlb.length < m.opts.tlbEntries) target = core.tlb.length;
    else if (set) {
      evicted = true;
      target =
        m.opts.tlbPolicy === "lru"
          ? setLruVictim(core.tlb, set)
          : set[
              m.choose(c, "victim", set.length, (i) => `evict slot ${set[i]!} (VA ${hex(core.tlb[set[i]!]!.vpn * PAGE_SIZE)})`)
            ]!;
    } else {
      evicted = true;
      target =
        m.opts.tlbPolicy === "lru"
          ? victimSlot(core.tlb)
          : m.choose(c, "victim", core.tlb.length, (i) => `evict slot ${i} (VA ${hex(core.tlb[i]!.vpn * PAGE_SIZE)})`);
    }
  }
  const entry: TlbEntry = {
    vpn,
    asid: core.regs.asid,
    vmid: core.regs.vmid,
    global: w.pte.global,
    pa: w.pte.pa,
    writable: w.pte.writable,
    table: w.table,
    gen: core.ctx?.generation ?? 0,
    filledAt: s.seq,
    lastUsed: s.seq,
  };
  const ev = {
    seq: s.seq,
    t: m.now,
    core: c,
    type: "tlb.fill" as const,
    va,
    spec,
    write,
    entry,
    slot: target,
    evicted,
    steps: w.steps,
  };
  // Optional fields only when present (the log's key order: pte, then wc); the sc path records `ev` as is.
  if (!pte && !w.wc) m.record(ev);
  else m.record({ ...ev, ...(pte ? { pte: pte.read } : {}), ...(w.wc ? { wc: w.wc } : {}) });
  return 1;
}
