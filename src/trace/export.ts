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
import { nestTracks, type TrackSlice } from "./nesting.js";
import { GuestSlices } from "./guests.js";
import { CoreSlices, type Slice } from "./slices.js";
import { jsonCodec, SpillSorter } from "./spill-sort.js";
import { tlbInstant } from "./tlb-instants.js";
import { orderKey, PID, type TraceEvent } from "./trace-event.js";

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

/** A trace to be written: the metadata, then the events in file order, read once. */
export interface TraceStream {
  meta: TraceEvent[];
  events: Iterable<TraceEvent>;
  stretched: number;
  /** Removes the temporary run files if `events` is not read to its end. */
  dispose(): void;
}

/** The whole trace in memory (tests; small logs). */
export function buildTrace(input: TraceInput): Trace {
  const t = streamTrace(input);
  return { traceEvents: [...t.meta, ...t.events], stretched: t.stretched };
}

/**
 * The trace with its events sorted through run files of `spillEvery` events (spill-sort.ts), so that
 * only the open slices, the flows in flight and one run are held, whatever the log's length. The file
 * order is the one `traceOrder` gives (a key per event: trace-event.ts `orderKey`).
 */
export function streamTrace(input: TraceInput, spillEvery = Infinity): TraceStream {
  const cores = input.scenario.machine.cores;
  const machineTid = cores;
  const sorted = new SpillSorter<TraceEvent>(jsonCodec(), spillEvery);
  const bySlice = new SpillSorter<TrackSlice>(jsonCodec(), spillEvery);
  let seq = 0;
  const emit = (e: TraceEvent): void => sorted.add(orderKey(e, 0, 0, 0, seq++), e);
  // A core's slices are nested (nesting.ts) in the order (start, longest first, as made) before they are written.
  const track = (s: Slice): void => bySlice.add([s.core, s.start, -s.end, seq], { s, n: seq++ });
  const per = Array.from({ length: cores }, (_, c) => new CoreSlices(c, track));
  const guests = new GuestSlices(machineTid + 1, (sl, tid) => {
    const e: TraceEvent = {
      name: sl.name,
      cat: sl.cat,
      ph: "X",
      pid: PID,
      tid,
      ts: sl.start,
      dur: sl.end - sl.start,
      args: sl.args,
    };
    sorted.add(orderKey(e, 2, tid, 0, seq++), e);
  });
  const flows = new Flows(emit, track);
  const s = input.initial;
  const tlbSize = s.cores.map(() => -1);
  const gen = s.cores.map(() => -1);
  let violations = 0;
  const counter = (name: string, ts: number, args: Record<string, number>): void => emit({ name, ph: "C", pid: PID, ts, args });
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
      emit({
        name: `VIOLATION ${ev.invariant}`,
        cat: "violation",
        ph: "i",
        s: "g",
        pid: PID,
        tid: machineTid,
        ts: ev.t,
        args: { at: ev.at, message: ev.message },
      });
      continue;
    }
    const core = per[c];
    if (!core) continue;
    const waiting = s.cores[c]!.ipiAcksAwaited > 0 || s.cores[c]!.wait?.on === "acks";
    core.event(ev);
    guests.event(ev);
    flows.event(ev, waiting);
    if (ev.type === "asid.rollover") {
      emit({
        name: `ASID roll-over → generation ${ev.generation}`,
        cat: "asid",
        ph: "i",
        s: "t",
        pid: PID,
        tid: c,
        ts: ev.t,
        args: { seq: ev.seq },
      });
    } else if (ev.type === "vmid.rollover") {
      emit({
        name: `VMID roll-over → generation ${ev.gen}`,
        cat: "vmid",
        ph: "i",
        s: "t",
        pid: PID,
        tid: c,
        ts: ev.t,
        args: { seq: ev.seq },
      });
    } else if (ev.type === "mmu.fault" && !ev.spec) {
      emit({
        name: `fault ${hex(ev.va)}`,
        cat: "mmu",
        ph: "i",
        s: "t",
        pid: PID,
        tid: c,
        ts: ev.t,
        args: { seq: ev.seq, table: ev.table },
      });
    } else {
      const tlb = tlbInstant(ev, s);
      if (tlb) emit(tlb);
    }
    counters(c, ev.t);
  }
  for (const p of per) p.finish(lastT);
  guests.finish(lastT);

  // Each core's slices, nested, then in file order among the rest (ties: core, then the nesting order).
  const stretched = nestTracks(bySlice.drain(), (sl, end, n) => {
    const e: TraceEvent = {
      name: sl.name,
      cat: sl.cat,
      ph: "X",
      pid: PID,
      tid: sl.core,
      ts: sl.start,
      dur: sl.end - sl.start,
      args: sl.args,
    };
    sorted.add(orderKey(e, 1, sl.core, -end, n), e);
  });
  const meta: TraceEvent[] = [
    { name: "process_name", ph: "M", pid: PID, args: { name: input.title } },
    ...Array.from({ length: cores }, (_, c): TraceEvent[] => [
      { name: "thread_name", ph: "M", pid: PID, tid: c, args: { name: `core ${c}` } },
      { name: "thread_sort_index", ph: "M", pid: PID, tid: c, args: { sort_index: c } },
    ]).flat(),
  ];
  // vCPU tracks after the machine's own track.
  for (const [vcpu, { vm, tid }] of guests.byVcpu) {
    meta.push({ name: "thread_name", ph: "M", pid: PID, tid, args: { name: `${vm} vCPU ${vcpu}` } });
    meta.push({ name: "thread_sort_index", ph: "M", pid: PID, tid, args: { sort_index: tid } });
  }
  if (violations) meta.push({ name: "thread_name", ph: "M", pid: PID, tid: machineTid, args: { name: "machine (invariants)" } });
  return { meta, events: sorted.drain(), stretched, dispose: () => sorted.dispose() };
}
