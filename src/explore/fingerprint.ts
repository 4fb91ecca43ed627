/**
 * A cheap fingerprint of what a state *is* for exploration's coverage figures: registers, TLB
 * contents, kernel variables, locks, page tables, tasks and messages in flight; not counters, clocks
 * or provenance, which differ between runs that reached the same machine state.
 */
import { fnv1a64 } from "../state/hash.js";
import type { MachineState } from "../state/machine-state.js";

export function fingerprint(s: MachineState): string {
  let out = "";
  for (const c of s.cores) {
    const r = c.regs;
    out += `|${r.ttbr0},${r.asid},${r.vmid},${r.irqOn ? 1 : 0},${c.task},${c.ctx ? `${c.ctx.mm}:${c.ctx.generation}:${c.ctx.asid}` : ""}:`;
    for (const e of c.tlb) out += `${e.vpn}.${e.asid}.${e.vmid}.${e.pa}.${e.table};`;
  }
  out += "|v";
  for (const k in s.vars) out += `${k}=${s.vars[k]};`;
  out += "|l";
  for (const k in s.locks) out += `${k}=${s.locks[k]};`;
  out += "|t";
  for (const k in s.tasks) out += `${s.tasks[k]!.status[0]}${s.tasks[k]!.on}`;
  out += "|p";
  for (const id in s.tables) {
    out += `${id}:`;
    const t = s.tables[id]!;
    for (const vpn in t) out += `${vpn}>${t[vpn]!.pa};`;
  }
  out += "|m";
  for (const id in s.inflight) out += `${s.inflight[id]!.kind}${s.inflight[id]!.to};`;
  return fnv1a64(out);
}
