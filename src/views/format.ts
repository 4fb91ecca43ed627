/**
 * The debugger's small vocabulary: ASIDs as gen:asid, addresses in hex, one line per event, a wait in
 * words, and a table with a column per core. Shared by every view.
 */
import type { CoreState, Wait } from "../../cores/core-state.js";
import { hex, vaOfVpn } from "../../cores/page-table.js";
import type { TlbEntry } from "../../cores/tlb.js";
import type { BusMessage } from "../../bus/messages.js";
import { describeEvent } from "../events/describe.js";
import type { SimEvent } from "../events/index.js";
import type { EventList } from "../log/event-list.js";

export { hex };

export const genAsid = (gen: number, asid: number): string => `${gen}:${asid}`;

/** An entry's tag: "global" or gen:asid. */
export const tagText = (e: TlbEntry): string => (e.global ? "global" : genAsid(e.gen, e.asid));

export const ctxText = (ctx: CoreState["ctx"]): string => (ctx ? `${ctx.mm} ${genAsid(ctx.generation, ctx.asid)}` : "—");

export function waitText(w: Wait | null): string {
  if (!w) return "—";
  switch (w.on) {
    case "lock":
      return `lock ${w.name}`;
    case "acks":
      return `IPI acks (${w.outstanding})`;
    case "dsb":
      return `DSB, TLBI acks (${w.outstanding})`;
    case "idle":
      return "idle";
  }
}

export function messageText(m: BusMessage): string {
  const what =
    m.kind === "ipi"
      ? `IPI ${m.ipi}`
      : m.kind === "tlbi"
        ? `TLBI ${m.op.scope}${m.op.vpn !== undefined ? ` ${hex(vaOfVpn(m.op.vpn))}` : ""}${m.op.asid !== undefined ? ` ASID ${m.op.asid}` : ""}`
        : `ack of #${m.of}`;
  return `#${m.id} ${what} ${m.from}→${m.to} (sent t=${m.sentAt}, due t=${m.deliverAt})`;
}

/** "#41  t=162  core 1  reg.write  ttbr0←M7" */
export function eventLine(ev: SimEvent): string {
  const where = ev.core < 0 ? "machine" : `core ${ev.core}`;
  return `#${ev.seq}  t=${ev.t}  ${where}  ${ev.type}  ${describeEvent(ev)}`;
}

/** Where the cursor is, for the prompt and after each move. */
export function positionText(position: number, length: number, events: EventList): string {
  if (position === 0) return `at the start (no event applied; ${length} events)`;
  const ev = events.at(position - 1)!;
  return `at ${eventLine(ev)}${position === length ? "  (last event)" : ""}`;
}

/** Rows of cells, columns padded to their widest cell. */
export function table(rows: readonly (readonly string[])[], right: readonly number[] = []): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) =>
    r
      .map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

/** A row label followed by one cell per core. */
export function perCore(label: string, cores: readonly CoreState[], cell: (c: CoreState) => string): string[] {
  return [label, ...cores.map(cell)];
}
