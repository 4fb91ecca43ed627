/** The debugger's views of one state: `state` (every core side by side), `core N`, `tlb N`. */
import type { CoreState } from "../../cores/core-state.js";
import { vaOfVpn } from "../../cores/page-table.js";
import { lookup } from "../../cores/tlb.js";
import type { Scenario } from "../scenario/types.js";
import type { MachineState } from "../state/machine-state.js";
import { walkCacheView } from "./walk-cache-view.js";
import { ctxText, hex, messageText, perCore, table, tagText, waitText } from "./format.js";

const onOff = (b: boolean): string => (b ? "on" : "off");

/** The core's guest, in a word: the VM it runs with its VMID, the vCPU loaded, or nothing. */
function guestText(s: MachineState, core: number): string {
  const h = s.hyp?.cores[core];
  if (!h) return "—";
  if (h.inGuest) return `${h.vm} (vCPU ${h.vcpu}) VMID ${h.gen}:${h.vmid}`;
  return h.vcpu ? `host (vCPU ${h.vcpu} loaded)` : "host";
}

/** Saved registers in the architecture's names (TTBCR.N, CONTEXTIDR.ASID, CNTV_CTL), not the model's. */
const SAVED_NAMES: Record<string, (v: unknown) => string> = {
  mode: (v) => `mode ${String(v)}`,
  ttbr0: (v) => `TTBR0 ${String(v)}`,
  ttbr1: (v) => `TTBR1 ${String(v)}`,
  asid: (v) => `ASID ${String(v)}`,
  vmid: (v) => `VMID ${String(v)}`,
  ttbcrSplit: (v) => `TTBCR.N ${v ? "split" : "0"}`,
  vectorsHigh: (v) => `vectors ${v ? "high" : "low"}`,
  irqOn: (v) => `IRQs ${v ? "on" : "off"}`,
  cntvCtl: (v) => `CNTV_CTL ${typeof v === "number" ? hex(v) : String(v)}`,
  cntvCval: (v) => `CNTV_CVAL ${typeof v === "number" ? hex(v) : String(v)}`,
  cntvoff: (v) => `CNTVOFF ${typeof v === "number" ? hex(v) : String(v)}`,
};

function savedText(regs: Record<string, unknown> | null): string {
  if (!regs) return "none";
  return Object.entries(regs)
    .map(([k, v]) => SAVED_NAMES[k]?.(v) ?? `${k} ${typeof v === "number" && !/asid|vmid/i.test(k) ? hex(v) : String(v)}`)
    .join("  ");
}

/** Every core in a column, then the machine-wide state. */
export function stateView(s: MachineState, scenario: Scenario): string[] {
  const cs = s.cores;
  const rows = [
    perCore("", cs, (c) => `core ${c.id}`),
    perCore("mode", cs, (c) => c.regs.mode),
    perCore("task", cs, (c) => c.task || (c.done ? "(done)" : "(idle)")),
    perCore("ctx gen:asid", cs, (c) => ctxText(c.ctx)),
    perCore("CONTEXTIDR.ASID", cs, (c) => String(c.regs.asid)),
    perCore("TTBR0", cs, (c) => c.regs.ttbr0),
    perCore("TTBR1", cs, (c) => c.regs.ttbr1),
    perCore("VTTBR / VMID", cs, (c) => `${c.regs.vttbr || "—"} / ${c.regs.vmid}`),
    perCore("stage 2", cs, (c) => onOff(c.regs.stage2)),
    ...(s.hyp ? [perCore("guest", cs, (c) => guestText(s, c.id))] : []),
    perCore("IRQs", cs, (c) => `${onOff(c.regs.irqOn)}${c.inIrq ? ` (in IRQ ×${c.inIrq})` : ""}`),
    perCore("wait", cs, (c) => waitText(c.wait)),
    perCore("TLB entries", cs, (c) => `${c.tlb.length}/${scenario.machine.tlbEntries}`),
    perCore("acks out", cs, (c) => `IPI ${c.ipiAcksOutstanding} TLBI ${c.tlbiAcksOutstanding}`),
  ];
  const out = table(rows);
  const vars = Object.entries(s.vars);
  out.push("", `shared variables (${vars.length}): ${vars.map(([k, v]) => `${k}=${v}`).join("  ") || "none"}`);
  const locks = Object.entries(s.locks);
  out.push(`locks held: ${locks.map(([k, c]) => `${k} by core ${c}`).join(", ") || "none"}`);
  const inflight = s.inflight.values();
  out.push(`bus, in flight: ${inflight.length ? "" : "nothing"}`);
  for (const m of inflight) out.push(`  ${messageText(m)}`);
  const tasks = Object.entries(s.tasks).map(([id, t]) => `${id}(${t.mm}) ${t.status === "running" ? `on ${t.on}` : t.status}`);
  out.push(`tasks: ${tasks.join(", ")}`);
  if (s.hyp) {
    const vcpus = Object.entries(s.hyp.vcpus).map(
      ([id, v]) => `${id}(${v.vm}) ${v.loadedOn >= 0 ? `loaded on ${v.loadedOn}` : "not loaded"}`,
    );
    out.push(`vCPUs: ${vcpus.join(", ")}`);
  }
  const stale = Object.entries(s.stale);
  if (stale.length)
    out.push(`old translations awaiting maintenance: ${stale.map(([k, pas]) => `${k} (${pas.map(hex).join(", ")})`).join("; ")}`);
  out.push(
    s.violation
      ? `VIOLATION of ${s.violation.invariant} at #${s.violation.at}: ${s.violation.message}`
      : "violation: none so far",
  );
  return out;
}

function coreOf(s: MachineState, n: number): CoreState {
  const c = s.cores[n];
  if (!c) throw new RangeError(`no core ${n} (the machine has cores 0 to ${s.cores.length - 1})`);
  return c;
}

export function coreView(s: MachineState, n: number, scenario: Scenario): string[] {
  const c = coreOf(s, n);
  const r = c.regs;
  const k = c.counters;
  const mm = c.task ? s.tasks[c.task]?.mm : undefined;
  const rate = k.accesses ? ` (${((k.hits / k.accesses) * 100).toFixed(1)}%)` : "";
  const h = s.hyp?.cores[n];
  const guest = h
    ? [
        `  guest      ${guestText(s, n)}  HCR traps ${hex(r.hcr)}  TTBCR.N ${r.ttbcrSplit ? "split" : "0 (TTBR0 only)"}  CNTV_CTL ${r.cntvCtl} CNTV_CVAL ${hex(r.cntvCval)} CNTVOFF ${hex(r.cntvoff)}`,
        `             saved host context: ${savedText(h.host)}`,
        ...(h.vcpu ? [`             vCPU ${h.vcpu} saved guest registers: ${savedText(s.hyp!.vcpus[h.vcpu]!.regs)}`] : []),
      ]
    : [];
  return [
    `core ${n}: ${r.mode} mode, ${c.task ? `task ${c.task} (mm ${mm})` : c.done ? "done" : "idle"}, context ${ctxText(c.ctx)}${c.done ? ", finished" : ""}`,
    `  stage 1    TTBR0 ${r.ttbr0}  TTBR1 ${r.ttbr1} (from ${hex(s.pageOffset)})  CONTEXTIDR.ASID ${r.asid}`,
    `  hypervisor VTTBR ${r.vttbr || "—"}  VMID ${r.vmid}  stage 2 ${onOff(r.stage2)}  mode ${r.mode}`,
    ...guest,
    `  control    vectors ${r.vectorsHigh ? "high (0xffff0000)" : "low (0x0)"}  IRQs ${onOff(r.irqOn)}  in IRQ handler ×${c.inIrq}  wait ${waitText(c.wait)}`,
    `  bus        IPI acks outstanding ${c.ipiAcksOutstanding} (awaited ${c.ipiAcksAwaited})  TLBI acks outstanding ${c.tlbiAcksOutstanding}`,
    `  TLB        ${c.tlb.length} of ${scenario.machine.tlbEntries} entries (${scenario.machine.tlbPolicy}); \`tlb ${n}\` lists them`,
    `  counters   accesses ${k.accesses}  hits ${k.hits}${rate}  misses ${k.misses}  faults ${k.faults}  walks ${k.walks} (${k.walkSteps} steps, ${k.specWalks} speculative)`,
    `             TLBIs ${k.flushes} (full ${k.fullFlushes}, entries removed ${k.entriesFlushed})  IPIs sent ${k.ipiSent} received ${k.ipiReceived}  switches ${k.switches}  roll-overs ${k.rollovers} started, ${k.rolloversSeen} seen  cycles ${k.cycles}`,
    ...(h ? [`             world switches ${k.worldSwitches}  VMID roll-overs ${k.vmidRollovers}`] : []),
  ];
}

/** What the current tables say about an entry: nothing when it still agrees with them. */
function entryNote(s: MachineState, table: string, vpn: number, pa: number, writable: boolean): string {
  const pte = s.tables[table]?.[vpn];
  if (!pte) return `STALE: ${table} no longer maps it`;
  if (pte.pa !== pa) return `STALE: ${table} now maps it to ${hex(pte.pa)}`;
  if (pte.writable !== writable) return `STALE: ${table} now maps it ${pte.writable ? "writable" : "read-only"}`;
  return "";
}

export function tlbView(s: MachineState, n: number, scenario: Scenario): string[] {
  const c = coreOf(s, n);
  const sib = s.tlbSiblings?.[n] ?? [];
  // A shared TLB (machine.sharedTlb): the same entries as its siblings', filled by any of them.
  const shared = sib.length ? `, shared with core${sib.length > 1 ? "s" : ""} ${sib.join(", ")}` : "";
  const head = `core ${n} TLB${shared}: ${c.tlb.length} of ${scenario.machine.tlbEntries} entries (${scenario.machine.tlbPolicy}); lookups now use ASID ${c.regs.asid}, VMID ${c.regs.vmid}; * = an access now would use it`;
  if (!c.tlb.length) return [head, "  (empty)", ...walkCacheView(s, c)];
  const rows = [["slot", "VA", "ASID", "VMID", "PA", "perm", "table", "filled", "used", ""]];
  c.tlb.forEach((e, i) => {
    const live = lookup(c.tlb, e.vpn, c.regs.asid, c.regs.vmid) === i ? "*" : " ";
    rows.push([
      `${live}${i}`,
      hex(vaOfVpn(e.vpn)),
      tagText(e),
      String(e.vmid),
      hex(e.pa),
      e.writable ? "rw" : "ro",
      e.table,
      `#${e.filledAt}`,
      `#${e.lastUsed}`,
      entryNote(s, e.table, e.vpn, e.pa, e.writable),
    ]);
  });
  return [head, ...table(rows, [0]).map((l) => `  ${l}`), ...walkCacheView(s, c)];
}
