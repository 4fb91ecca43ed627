/** The debugger's views of change and cause: `diff A B` and `why N VA`. */
import type { CoreState } from "../../../cores/core-state.js";
import type { Wait } from "../../../cores/core-state.js";
import { vaOfVpn } from "../../../cores/page-table.js";
import type { TlbEntry } from "../../../cores/tlb.js";
import { describeEvent } from "../../events/describe.js";
import type { Change, StateDiff } from "../../timetravel/diff.js";
import type { Provenance } from "../../timetravel/provenance.js";
import { ctxText, hex, messageText, tagText, waitText } from "../../views/format.js";

const entryText = (e: TlbEntry): string =>
  `${hex(vaOfVpn(e.vpn))} ${tagText(e)} VMID ${e.vmid} → ${hex(e.pa)} ${e.writable ? "rw" : "ro"} (${e.table}, filled #${e.filledAt})`;

const orNone = (v: unknown, none: string): string => (v === undefined ? none : String(v));

function fieldText(name: string, v: unknown): string {
  if (name === "ctx") return ctxText((v ?? null) as CoreState["ctx"]);
  if (name === "wait") return waitText((v ?? null) as Wait | null);
  if (name === "task") return (v as string) || "(idle)";
  return String(v);
}

function regText(name: string, v: unknown): string {
  return typeof v === "number" && name !== "asid" && name !== "vmid" ? hex(v) : String(v);
}

const arrow = <V>(c: Change<string, V>, show: (v: V | undefined) => string): string => `${c.key} ${show(c.from)} → ${show(c.to)}`;

/** `from`/`to` are the events (#) the two states are after; -1 for the initial state. */
export function diffView(d: StateDiff, fromLabel: string, toLabel: string): string[] {
  const out = [`diff ${fromLabel} → ${toLabel}: what events ${d.from + 1 <= d.to ? `#${d.from}..#${d.to - 1}` : "in between"} changed`];
  if (d.from > d.to) out[0] = `diff ${fromLabel} → ${toLabel} (backwards: undoing events #${d.to}..#${d.from - 1})`;
  let any = false;
  for (const c of d.cores) {
    any = true;
    const parts = [
      ...c.regs.map((r) => arrow(r, (v) => (v === undefined ? "—" : regText(r.key, v)))),
      ...c.fields.map((f) => arrow(f, (v) => fieldText(f.key, v))),
    ];
    const tlb = c.tlbAdded.length || c.tlbRemoved.length ? `TLB +${c.tlbAdded.length} −${c.tlbRemoved.length}` : "";
    out.push(`core ${c.core}: ${[...parts, tlb].filter(Boolean).join("; ") || "counters only"}`);
    for (const e of c.tlbAdded) out.push(`    + ${entryText(e)}`);
    for (const e of c.tlbRemoved) out.push(`    − ${entryText(e)}`);
    const counters = c.counters.map((k) => `${k.key} ${(k.to ?? 0) - (k.from ?? 0) >= 0 ? "+" : ""}${(k.to ?? 0) - (k.from ?? 0)}`);
    if (counters.length) out.push(`    counters: ${counters.join("  ")}`);
  }
  const line = (label: string, items: string[]): void => {
    if (!items.length) return;
    any = true;
    out.push(`${label}: ${items.join("; ")}`);
  };
  line("shared variables", d.vars.map((v) => arrow(v, (x) => orNone(x, "unset"))));
  line("locks", d.locks.map((l) => arrow(l, (x) => (x === undefined ? "free" : `core ${x}`))));
  line("tasks", d.tasks.map((t) => arrow(t, (x) => (x === undefined ? "—" : x.status === "running" ? `running on core ${x.on}` : x.status))));
  line("page tables", d.ptes.map((p) => `${p.key.table} ${hex(vaOfVpn(p.key.vpn))} ${p.from ? hex(p.from.pa) : "unmapped"} → ${p.to ? hex(p.to.pa) : "unmapped"}`));
  line("bus, sent and still in flight", d.sent.map(messageText));
  line("bus, delivered", d.delivered.map(messageText));
  line("old translations awaiting maintenance", d.stale.map((s) => `${s.key} ${s.from ? s.from.map(hex).join(",") : "—"} → ${s.to ? s.to.map(hex).join(",") : "retired"}`));
  if (!any) out.push("nothing changed");
  return out;
}

export function whyView(p: Provenance, atLabel: string): string[] {
  const out = [`why core ${p.core} VA ${hex(p.va)} ${atLabel}: lookup with CONTEXTIDR.ASID ${p.asid}, VMID ${p.vmid}`];
  const w = p.walkNow;
  const walkNow = w.pte ? `${w.table} maps it to ${hex(w.pte.pa)} ${w.pte.writable ? "rw" : "ro"}${w.pte.global ? " global" : ""}` : `${w.table} has no mapping (translation fault)`;
  if (!p.entry) {
    out.push(`  no TLB entry matches: an access now misses and walks ${w.steps} descriptors: ${walkNow}`);
    return out;
  }
  const e = p.entry;
  out.push(`  TLB slot ${p.slot}: ${hex(vaOfVpn(e.vpn))} ${e.global ? "global (matches any ASID)" : `ASID ${tagText(e)} non-global`} VMID ${e.vmid} → PA ${hex(e.pa)} ${e.writable ? "rw" : "ro"}, walked from table ${e.table}`);
  const o = p.origin;
  if (!o) out.push(`  filled at #${e.filledAt}, which is not a tlb.fill in this log`);
  else {
    const f = o.event;
    out.push(`  filled by #${f.seq} (t=${f.t}, core ${f.core}): ${describeEvent(f)}${f.evicted ? `, evicting slot ${f.slot}'s entry` : ""}`);
    out.push(`    walk: ${o.via} → table ${e.table}, ${f.steps} descriptor reads, stage 2 ${o.regs.stage2 ? `on (VTTBR ${o.regs.vttbr})` : "off"}${f.spec ? ", speculative (no access asked for it)" : ""}`);
    out.push(`    registers then: mode ${o.regs.mode}  TTBR0 ${o.regs.ttbr0}  TTBR1 ${o.regs.ttbr1}  CONTEXTIDR.ASID ${o.regs.asid}  VMID ${o.regs.vmid}  VTTBR ${o.regs.vttbr || "—"}  IRQs ${o.regs.irqOn ? "on" : "off"}`);
    out.push(`    kernel then: task ${o.task || "(idle)"}, context ${ctxText(o.ctx)}`);
  }
  out.push(`  last used at #${e.lastUsed}`);
  out.push(`  a walk now: ${walkNow}${p.stale ? ": the entry is STALE (the TLB still translates as the old tables did)" : ": the entry agrees"}`);
  return out;
}
