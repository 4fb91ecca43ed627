/**
 * The viewer's timeline, built once from the whole log: the lanes, the spans on them and the arrows
 * between them, in event numbers (seq) rather than virtual time, because the viewer steps event by event
 * and every event needs its own column.
 *
 * Spans and arrows reuse the Perfetto exporter's rules (src/trace/slices.ts, flows.ts) by feeding them
 * events whose `t` is their seq, so the viewer and the trace agree on what a context switch or an IPI
 * is. World switches (`hyp.enter` → `hyp.exit`, from the hypervisor model once it logs them) are spans
 * of their own, on the core's lane and on a lane for the VM.
 */
import type { SimEvent } from "../events/index.js";
import type { EventList } from "../log/event-list.js";
import { describeEvent } from "../events/describe.js";
import { Flows } from "../trace/flows.js";
import { CoreSlices } from "../trace/slices.js";
import type { TraceEvent } from "../trace/trace-event.js";
import type { Arrow, Lane, Marker, Span } from "./protocol.js";

export interface Lanes {
  lanes: Lane[];
  spans: Span[];
  arrows: Arrow[];
  markers: Marker[];
  markersCut: boolean;
  /** Lane of each event (by seq). */
  laneOf: Uint16Array;
}

/** Scrubber markers kept at most: a million-event log may roll ASIDs over thousands of times. */
const MAX_MARKERS = 2000;

/** The fields of the hypervisor events the viewer reads (src/hyp/ will define them; they are not in the union yet). */
interface HypEnter {
  vcpu?: unknown;
  vm?: unknown;
  vmid?: unknown;
}

export function buildLanes(events: EventList, cores: number): Lanes {
  const lanes: Lane[] = Array.from({ length: cores }, (_, c) => ({ id: `core:${c}`, kind: "core" as const, label: `core ${c}` }));
  const machineLane = lanes.push({ id: "machine", kind: "machine", label: "machine" }) - 1;
  const vmLanes = new Map<string, number>();
  const vmLane = (vm: string): number => {
    let i = vmLanes.get(vm);
    if (i === undefined) vmLanes.set(vm, (i = lanes.push({ id: `vm:${vm}`, kind: "vm", label: `VM ${vm}` }) - 1));
    return i;
  };

  const spans: Span[] = [];
  const slices = Array.from(
    { length: cores },
    (_, c) => new CoreSlices(c, (s) => spans.push({ lane: c, cat: s.cat, name: s.name, start: s.start, end: s.end })),
  );
  const arrows: Arrow[] = [];
  const opened = new Map<number, TraceEvent>();
  /** Ack message id → where its IPI handler returned (the arrow starts there, not at the delivery). */
  const ackFrom = new Map<number, { core: number; seq: number }>();
  const flows = new Flows(
    (e) => {
      if (e.ph === "s") return void opened.set(e.id!, e);
      const s = opened.get(e.id!);
      if (!s) return;
      opened.delete(e.id!);
      const from = ackFrom.get(e.id!) ?? { core: s.tid!, seq: s.ts! };
      ackFrom.delete(e.id!);
      arrows.push({
        id: e.id!,
        cat: s.cat ?? "",
        name: s.name,
        fromLane: from.core,
        fromSeq: from.seq,
        toLane: e.tid!,
        toSeq: e.ts!,
      });
    },
    () => {}, // zero-length slices that Perfetto needs to bind flows to; the viewer draws events anyway
  );
  const worlds = new Map<number, { core: Span; vm: Span }>();
  const markers: Marker[] = [];
  let markersCut = false;
  const mark = (m: Marker): void => {
    if (markers.length < MAX_MARKERS || m.kind === "violation") markers.push(m);
    else markersCut = true;
  };

  const laneOf = new Uint16Array(events.length);
  for (const ev of events) {
    const c = ev.core;
    const onCore = c >= 0 && c < cores;
    laneOf[ev.seq] = onCore ? c : machineLane;
    if (ev.type === "violation") mark({ seq: ev.seq, kind: "violation", text: `${ev.invariant}: ${ev.message}` });
    if (!onCore || ev.type === "choice") continue;
    const asSeq = { ...ev, t: ev.seq } as SimEvent;
    slices[c]!.event(asSeq);
    if (ev.type === "ipi.done") ackFrom.set(ev.ack.id, { core: c, seq: ev.seq });
    flows.event(asSeq, false);
    if (ev.type === "asid.rollover") mark({ seq: ev.seq, kind: "rollover", text: describeEvent(ev) });
    else if (ev.type === "mmu.fault" && !ev.spec) mark({ seq: ev.seq, kind: "fault", text: describeEvent(ev) });
    worldSwitch(ev, c);
  }
  const last = events.length ? events.at(events.length - 1)!.seq : 0;
  for (const s of slices) s.finish(last);
  for (const c of [...worlds.keys()]) closeWorld(c, last); // still in the guest when the log ends
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  return { lanes, spans, arrows, markers, markersCut, laneOf };

  function worldSwitch(ev: { type: string; seq?: number } & HypEnter, c: number): void {
    const seq = ev.seq!;
    if (ev.type === "hyp.enter") {
      const vm = String(ev.vm ?? "?");
      const name = `${String(ev.vcpu ?? "vcpu")}${ev.vmid !== undefined ? ` VMID ${String(ev.vmid)}` : ""}`;
      closeWorld(c, seq);
      worlds.set(c, {
        core: { lane: c, cat: "world", name: `guest ${name}`, start: seq, end: seq },
        vm: { lane: vmLane(vm), cat: "world", name: `${name} on core ${c}`, start: seq, end: seq },
      });
    } else if (ev.type === "hyp.exit") {
      closeWorld(c, seq);
    }
  }

  function closeWorld(c: number, seq: number): void {
    const w = worlds.get(c);
    if (!w) return;
    w.core.end = w.vm.end = seq;
    spans.push(w.core, w.vm);
    worlds.delete(c);
  }
}
