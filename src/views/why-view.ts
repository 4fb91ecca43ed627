/** `why N VA` in words, for the debugger and the viewer: the TLB entry a lookup uses, and where it came from. */
import { vaOfVpn } from "../../cores/page-table.js";
import { describeEvent } from "../events/describe.js";
import type { Provenance } from "../timetravel/provenance.js";
import { ctxText, hex, tagText } from "./format.js";

export function whyView(p: Provenance, atLabel: string): string[] {
  const out = [`why core ${p.core} VA ${hex(p.va)} ${atLabel}: lookup with CONTEXTIDR.ASID ${p.asid}, VMID ${p.vmid}`];
  const w = p.walkNow;
  const walkNow = w.pte
    ? `${w.table} maps it to ${hex(w.pte.pa)} ${w.pte.writable ? "rw" : "ro"}${w.pte.global ? " global" : ""}`
    : `${w.table} has no mapping (translation fault)`;
  if (!p.entry) {
    out.push(`  no TLB entry matches: an access now misses and walks ${w.steps} descriptors: ${walkNow}`);
    return out;
  }
  const e = p.entry;
  out.push(
    `  TLB slot ${p.slot}: ${hex(vaOfVpn(e.vpn))} ${e.global ? "global (matches any ASID)" : `ASID ${tagText(e)} non-global`} VMID ${e.vmid} → PA ${hex(e.pa)} ${e.writable ? "rw" : "ro"}, walked from table ${e.table}`,
  );
  const o = p.origin;
  if (!o) out.push(`  filled at #${e.filledAt}, which is not a tlb.fill in this log`);
  else {
    const f = o.event;
    out.push(
      `  filled by #${f.seq} (t=${f.t}, core ${f.core}): ${describeEvent(f)}${f.evicted ? `, evicting slot ${f.slot}'s entry` : ""}`,
    );
    out.push(
      `    walk: ${o.via} → table ${e.table}, ${f.steps} descriptor reads, stage 2 ${o.regs.stage2 ? `on (VTTBR ${o.regs.vttbr})` : "off"}${f.spec ? ", speculative (no access asked for it)" : ""}`,
    );
    // machine.walkCache: where the level-1 descriptor came from (`tlb N` lists the walk cache).
    if (f.wc)
      out.push(
        `    level 1: ${f.wc.cached ? "from the walk cache" : "read from the table (and now in the walk cache)"}, table page ${hex(f.wc.pfn * 4096)}${f.wc.holds === undefined ? "" : f.wc.holds === null ? ", which was free" : `, which then held ${f.wc.holds.table}'s descriptors for ${hex(f.wc.holds.l1 * 0x200000)} (reused)`}`,
      );
    out.push(
      `    registers then: mode ${o.regs.mode}  TTBR0 ${o.regs.ttbr0}  TTBR1 ${o.regs.ttbr1}  CONTEXTIDR.ASID ${o.regs.asid}  VMID ${o.regs.vmid}  VTTBR ${o.regs.vttbr || "—"}  IRQs ${o.regs.irqOn ? "on" : "off"}`,
    );
    out.push(`    kernel then: task ${o.task || "(idle)"}, context ${ctxText(o.ctx)}`);
  }
  out.push(`  last used at #${e.lastUsed}`);
  out.push(
    `  a walk now: ${walkNow}${p.stale ? ": the entry is STALE (the TLB still translates as the old tables did)" : ": the entry agrees"}`,
  );
  return out;
}
