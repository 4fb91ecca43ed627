/** The debugger's views of change and cause: `diff A B`, and `why N VA` (views/why-view.ts, shared with the viewer). */
import type { CoreState } from "../../../cores/core-state.js";
import type { Wait } from "../../../cores/core-state.js";
import { vaOfVpn } from "../../../cores/page-table.js";
import type { TlbEntry } from "../../../cores/tlb.js";
import type { Change, StateDiff } from "../../timetravel/diff.js";
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
  const out = [
    `diff ${fromLabel} → ${toLabel}: what events ${d.from + 1 <= d.to ? `#${d.from}..#${d.to - 1}` : "in between"} changed`,
  ];
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
    const counters = c.counters.map(
      (k) => `${k.key} ${(k.to ?? 0) - (k.from ?? 0) >= 0 ? "+" : ""}${(k.to ?? 0) - (k.from ?? 0)}`,
    );
    if (counters.length) out.push(`    counters: ${counters.join("  ")}`);
  }
  const line = (label: string, items: string[]): void => {
    if (!items.length) return;
    any = true;
    out.push(`${label}: ${items.join("; ")}`);
  };
  line(
    "shared variables",
    d.vars.map((v) => arrow(v, (x) => orNone(x, "unset"))),
  );
  line(
    "locks",
    d.locks.map((l) => arrow(l, (x) => (x === undefined ? "free" : `core ${x}`))),
  );
  line(
    "tasks",
    d.tasks.map((t) => arrow(t, (x) => (x === undefined ? "—" : x.status === "running" ? `running on core ${x.on}` : x.status))),
  );
  line(
    "page tables",
    d.ptes.map(
      (p) =>
        `${p.key.table} ${hex(vaOfVpn(p.key.vpn))} ${p.from ? hex(p.from.pa) : "unmapped"} → ${p.to ? hex(p.to.pa) : "unmapped"}`,
    ),
  );
  line("bus, sent and still in flight", d.sent.map(messageText));
  line("bus, delivered", d.delivered.map(messageText));
  line(
    "old translations awaiting maintenance",
    d.stale.map((s) => `${s.key} ${s.from ? s.from.map(hex).join(",") : "—"} → ${s.to ? s.to.map(hex).join(",") : "retired"}`),
  );
  if (!any) out.push("nothing changed");
  return out;
}

export { whyView } from "../../views/why-view.js";
