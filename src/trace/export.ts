/**
 * A log as a Chrome Trace Event file for Perfetto: one track per core (thread = core), duration slices
 * for tasks, context switches, IPI handlers and smp_call_function waits (slices.ts), flow arrows for bus
 * messages (flows.ts), a track per vCPU with its time in the guest (guests.ts), instants for ASID and
 * VMID roll-overs, faults and violations, TLB fills, hits, maintenance and page-table changes
 * (tlb-instants.ts), and counters for each
 * core's TLB occupancy and ASID generation. The counters come from a fold of the log with the fast
 * reducer, so they are the states the debugger shows.
 */
import type { SimEvent } from "../events/index.js";
import type { Scenario } from "../scenario/types.js";
import { applyLogged } from "../log/apply-logged.js";
import type { MachineState } from "../state/machine-state.js";
import { hex } from "../../cores/page-table.js";
import { Flows } from "./flows.js";
import { nestTrack } from "./nesting.js";
import { GuestSlices } from "./guests.js";
import { CoreSlices, type Slice } from "./slices.js";
import { tlbInstant } from "./tlb-instants.js";
import { PID, traceOrder, type TraceEvent } from "./trace-event.js";

export interface TraceInput {
  scenario: Scenario;
  /** The state before the first event (consumed: the fold runs on it). */
  initial: MachineState;
  events: Iterable<SimEvent>;
  /** Process name shown in the viewer. */
  title: string;
}

export interface Trace {
  traceEvents: TraceEvent[];
  /** Slices stretched to nest (nesting.ts); 0 on every log we know of. */
  stretched: number;
}

export function buildTrace(input: TraceInput): Trace {
  const cores = input.scenario.machine.cores;
  const machineTid = cores;
  const tracks: Slice[][] = Array.from({ length: cores }, () => []);
  const out: TraceEvent[] = [];
  const per = Array.from({ length: cores }, (_, c) => new CoreSlices(c, (s) => tracks[c]!.push(s)));
  const guests = new GuestSlices();
  const flows = new Flows((e) => out.push(e), (s) => tracks[s.core]?.push(s));
  const s = input.initial;
  const tlbSize = s.cores.map(() => -1);
  const gen = s.cores.map(() => -1);
  let violations = 0;
  const counter = (name: string, ts: number, args: Record<string, number>): void => void out.push({ name, ph: "C", pid: PID, ts, args });
  const counters = (c: number, t: number): void => {
    const core = s.cores[c]!;
    if (core.tlb.length !== tlbSize[c]) counter(`core ${c} TLB entries`, t, { entries: (tlbSize[c] = core.tlb.length) });
    const g = core.ctx?.generation ?? 0;
    if (g !== gen[c]) counter(`core ${c} ASID generation`, t, { generation: (gen[c] = g) });
  };
  for (let c = 0; c < cores; c++) counters(c, 0);

  let lastT = 0;
  for (const ev of input.events) {
    applyLogged(s, ev);
    lastT = ev.t;
    if (ev.type === "choice") continue;
    const c = ev.core;
    if (ev.type === "violation") {
      violations++;
      out.push({ name: `VIOLATION ${ev.invariant}`, cat: "violation", ph: "i", s: "g", pid: PID, tid: machineTid, ts: ev.t, args: { at: ev.at, message: ev.message } });
      continue;
    }
    const track = per[c];
    if (!track) continue;
    const waiting = s.cores[c]!.ipiAcksAwaited > 0 || s.cores[c]!.wait?.on === "acks";
    track.event(ev);
    guests.event(ev);
    flows.event(ev, waiting);
    if (ev.type === "asid.rollover") {
      out.push({ name: `ASID roll-over → generation ${ev.generation}`, cat: "asid", ph: "i", s: "t", pid: PID, tid: c, ts: ev.t, args: { seq: ev.seq } });
    } else if (ev.type === "vmid.rollover") {
      out.push({ name: `VMID roll-over → generation ${ev.gen}`, cat: "vmid", ph: "i", s: "t", pid: PID, tid: c, ts: ev.t, args: { seq: ev.seq } });
    } else if (ev.type === "mmu.fault" && !ev.spec) {
      out.push({ name: `fault ${hex(ev.va)}`, cat: "mmu", ph: "i", s: "t", pid: PID, tid: c, ts: ev.t, args: { seq: ev.seq, table: ev.table } });
    } else {
      const tlb = tlbInstant(ev, s);
      if (tlb) out.push(tlb);
    }
    counters(c, ev.t);
  }
  for (const p of per) p.finish(lastT);
  guests.finish(lastT);

  let stretched = 0;
  tracks.forEach((slices, c) => {
    stretched += nestTrack(slices);
    for (const sl of slices) out.push({ name: sl.name, cat: sl.cat, ph: "X", pid: PID, tid: c, ts: sl.start, dur: sl.end - sl.start, args: sl.args });
  });
  // vCPU tracks after the machine's own track.
  const vcpuTids = new Map([...guests.byVcpu.keys()].map((v, i) => [v, machineTid + 1 + i]));
  for (const [vcpu, g] of guests.byVcpu) {
    for (const sl of g.slices) out.push({ name: sl.name, cat: sl.cat, ph: "X", pid: PID, tid: vcpuTids.get(vcpu)!, ts: sl.start, dur: sl.end - sl.start, args: sl.args });
  }
  out.sort(traceOrder);
  const meta: TraceEvent[] = [
    { name: "process_name", ph: "M", pid: PID, args: { name: input.title } },
    ...Array.from({ length: cores }, (_, c): TraceEvent[] => [
      { name: "thread_name", ph: "M", pid: PID, tid: c, args: { name: `core ${c}` } },
      { name: "thread_sort_index", ph: "M", pid: PID, tid: c, args: { sort_index: c } },
    ]).flat(),
  ];
  for (const [vcpu, g] of guests.byVcpu) {
    const tid = vcpuTids.get(vcpu)!;
    meta.push({ name: "thread_name", ph: "M", pid: PID, tid, args: { name: `${g.vm} vCPU ${vcpu}` } });
    meta.push({ name: "thread_sort_index", ph: "M", pid: PID, tid, args: { sort_index: tid } });
  }
  if (violations) meta.push({ name: "thread_name", ph: "M", pid: PID, tid: machineTid, args: { name: "machine (invariants)" } });
  return { traceEvents: [...meta, ...out], stretched };
}
