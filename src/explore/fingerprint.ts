/**
 * A cheap fingerprint of what a state *is*, for exploration's coverage figures: registers, contexts,
 * TLB contents, kernel variables, locks, page tables, tasks and messages in flight; not counters,
 * clocks or provenance, which differ between runs that reached the same machine state. It mixes
 * numbers instead of building a string (it runs at every choice point of every schedule), and keyed
 * collections are folded order-independently, since their insertion order depends on the schedule.
 */
import type { MachineState } from "../state/machine-state.js";

const names = new Map<string, number>();

/** A stable 32-bit hash of a name (cached: names repeat in every state). */
function nameHash(s: string): number {
  let h = names.get(s);
  if (h === undefined) {
    h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    names.set(s, (h >>>= 0));
  }
  return h;
}

const mix = (h: number, v: number): number => Math.imul(h ^ (v | 0) ^ ((v / 4294967296) | 0), 0x9e3779b1) >>> 0;
/** An order-independent contribution of one (key, value) pair. */
const pair = (k: number, v: number): number => mix(mix(0x27d4eb2d, k), v);

/**
 * The order-independent hash of the shared variables; `fingerprint` takes it kept up to date. A
 * variable that is 0 adds nothing (an unset variable reads as 0), so it can be updated from events.
 */
export function varsHash(vars: Record<string, number>): number {
  let b = 0;
  for (const k in vars) if (vars[k] !== 0) b = (b + pair(nameHash(k), vars[k]!)) >>> 0;
  return b;
}

/** varsHash after one variable changed from `old` to `value`. */
export function varsHashUpdate(h: number, name: string, old: number, value: number): number {
  const k = nameHash(name);
  return (h - (old !== 0 ? pair(k, old) : 0) + (value !== 0 ? pair(k, value) : 0)) >>> 0;
}

/** `vars`: varsHash(s.vars), passed in when the caller keeps it incrementally. */
export function fingerprint(s: MachineState, vars = varsHash(s.vars)): string {
  let a = 0x12345678;
  for (const c of s.cores) {
    const r = c.regs;
    a = mix(mix(mix(mix(a, nameHash(r.ttbr0)), r.asid), r.vmid), r.irqOn ? 1 : 0);
    a = mix(a, nameHash(c.task));
    if (c.ctx) a = mix(mix(mix(a, nameHash(c.ctx.mm)), c.ctx.generation), c.ctx.asid);
    const h = s.hyp?.cores[c.id];
    if (h) a = mix(mix(a, h.inGuest ? nameHash(h.vm) : 0), h.gen);
    a = mix(a, c.tlb.length);
    for (const e of c.tlb) a = mix(mix(mix(mix(mix(a, e.vpn), e.asid), e.vmid), e.pa), nameHash(e.table));
  }
  let b = vars;
  for (const k in s.locks) b = (b + pair(nameHash(`lock ${k}`), s.locks[k]!)) >>> 0;
  for (const k in s.tasks) {
    const t = s.tasks[k]!;
    b = (b + pair(nameHash(`task ${k}`), t.on * 4 + (t.status === "ready" ? 1 : t.status === "running" ? 2 : 3))) >>> 0;
  }
  for (const id in s.tables) {
    const t = s.tables[id]!;
    const th = nameHash(id);
    for (const vpn in t) b = (b + pair(mix(th, Number(vpn)), t[vpn]!.pa)) >>> 0;
  }
  for (const id in s.inflight) {
    const m = s.inflight[id]!;
    b = (b + pair(nameHash(m.kind), m.to * 64 + m.from)) >>> 0;
  }
  return a.toString(36) + "." + b.toString(36);
}
