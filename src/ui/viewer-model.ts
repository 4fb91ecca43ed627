/**
 * What the viewer's server knows about one log, and the answers to the page's questions. Everything a
 * request needs is either precomputed once (lanes, spans, arrows, markers) or a seek on the timeline's
 * snapshots (a copy of the nearest snapshot plus at most K - 1 applications), so no request costs more
 * than a window of the log, however long the log is.
 */
import { coreView, stateView } from "../views/machine-views.js";
import { describeEvent } from "../events/describe.js";
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import { diffStates, diffRecord, type Change as StateChange } from "../timetravel/diff.js";
import type { OpenedLog } from "../timetravel/open.js";
import { BadRequest } from "./bad-request.js";
import { ViewerQueries } from "./queries.js";
import type { Timeline } from "../timetravel/timeline.js";
import { IntervalIndex } from "./interval-index.js";
import { buildLanes, type Lanes } from "./lanes.js";
import { staleSlots } from "./stale-entries.js";
import type {
  Arrow,
  Change,
  DiffView,
  EventDetail,
  EventMark,
  EventsWindow,
  JsonObject,
  LanesWindow,
  Meta,
  Span,
  StateView,
} from "./protocol.js";

export { BadRequest };

/** The widest window of events one request may ask for: wider than any screen shows as marks. */
export const MAX_WINDOW = 20_000;

/** Machine-wide state fields the diff module compares (the rest are diffed generically, e.g. vcpus). */
const KNOWN_MACHINE_FIELDS = new Set([
  "seq",
  "t",
  "cores",
  "tables",
  "stale",
  "vars",
  "locks",
  "inflight",
  "nextMsgId",
  "tasks",
  "kernelTable",
  "pageOffset",
  "costs",
  "violation",
]);

const json = (v: unknown): JsonObject => v as JsonObject;
const changes = <K, V>(cs: readonly StateChange<K, V>[]): Change[] => cs.map((c) => json(c) as unknown as Change);

export class ViewerModel {
  readonly lanes: Lanes;
  private readonly spanIndex: IntervalIndex<Span>;
  private readonly arrowIndex: IntervalIndex<Arrow>;
  private readonly meta_: Meta;
  /** Questions about the whole log: filter, search, step, why, watch, density (queries.ts). */
  readonly queries: ViewerQueries;

  constructor(
    private readonly opened: OpenedLog,
    private readonly timeline: Timeline,
  ) {
    const { log, scenario } = opened;
    this.lanes = buildLanes(log.events, scenario.machine.cores);
    this.spanIndex = new IntervalIndex(this.lanes.spans, (s) => [s.start, s.end]);
    this.arrowIndex = new IntervalIndex(this.lanes.arrows, (a) => [Math.min(a.fromSeq, a.toSeq), Math.max(a.fromSeq, a.toSeq)]);
    const v = log.violation;
    this.queries = new ViewerQueries(timeline, log.events, (e) => this.mark(e));
    this.meta_ = {
      path: opened.path,
      scenario: scenario.id,
      description: scenario.description,
      seed: log.header.seed,
      cores: scenario.machine.cores,
      events: log.events.length,
      truncated: log.truncated,
      lanes: this.lanes.lanes,
      violation: v && v.type === "violation" ? { seq: v.seq, at: v.at, invariant: v.invariant, message: v.message } : null,
      markers: this.lanes.markers,
      markersCut: this.lanes.markersCut,
      maxWindow: MAX_WINDOW,
    };
  }

  get length(): number {
    return this.opened.log.events.length;
  }

  meta(): Meta {
    return this.meta_;
  }

  /** Checks a window [from, to) of event numbers: clamped to the log, at most MAX_WINDOW wide. */
  private window(from: number, to: number): [number, number] {
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from) {
      throw new BadRequest(`from and to must be integers with 0 <= from <= to, got from=${from} to=${to}`);
    }
    if (to - from > MAX_WINDOW) throw new BadRequest(`window of ${to - from} events is wider than ${MAX_WINDOW}`);
    return [Math.min(from, this.length), Math.min(to, this.length)];
  }

  /** A position of this log, or a BadRequest. */
  checkedPosition(at: number): number {
    return this.position(at);
  }

  private position(at: number): number {
    if (!Number.isInteger(at) || at < 0 || at > this.length)
      throw new BadRequest(`at must be an integer position from 0 to ${this.length}, got ${at}`);
    return at;
  }

  private mark(ev: SimEvent): EventMark {
    return {
      seq: ev.seq,
      t: ev.t,
      core: ev.core,
      type: ev.type,
      text: describeEvent(ev) ?? ev.type,
      lane: this.lanes.laneOf[ev.seq]!,
    };
  }

  private detail(at: number): EventDetail | null {
    const ev = at > 0 ? this.opened.log.events.at(at - 1) : undefined;
    return ev ? { mark: this.mark(ev), raw: json(ev) } : null;
  }

  events(from: number, to: number): EventsWindow {
    const [a, b] = this.window(from, to);
    return { from: a, to: b, events: this.opened.log.events.slice(a, b).map((e) => this.mark(e)) };
  }

  spansAndArrows(from: number, to: number): LanesWindow {
    const [a, b] = this.window(from, to);
    return { from: a, to: b, spans: this.spanIndex.query(a, b), arrows: this.arrowIndex.query(a, b) };
  }

  /** The state after `at` events (a copy: the caller may keep it). */
  stateAt(at: number): MachineState {
    return this.timeline.state(this.position(at));
  }

  state(at: number): StateView {
    const s = this.stateAt(at);
    const { tables: _tables, ...state } = s;
    const sc = this.opened.scenario;
    const text = { machine: stateView(s, sc), cores: s.cores.map((_, c) => coreView(s, c, sc)) };
    // The messages in flight as the record they serialise to (src/state/in-flight.ts): the page gets JSON.
    return {
      at,
      event: this.detail(at),
      state: json({ ...state, inflight: s.inflight.toJSON() }),
      staleTlb: staleSlots(s),
      text,
    };
  }

  /** What event #at-1 changed: the diff from position at-1 to at (nothing at position 0). */
  diff(at: number): DiffView {
    const to = this.stateAt(at);
    const from = at > 0 ? this.timeline.state(at - 1) : to;
    const d = diffStates(from, to);
    const hypOf = (s: MachineState, c: number): Record<string, unknown> =>
      (s.cores[c] as unknown as { hyp?: Record<string, unknown> | null }).hyp ?? {};
    const cores = d.cores.map((c) => ({
      core: c.core,
      regs: changes(c.regs),
      fields: changes(c.fields),
      tlbAdded: c.tlbAdded.map(json),
      tlbRemoved: c.tlbRemoved.map(json),
      counters: changes(c.counters),
      hyp: changes(diffRecord(hypOf(from, c.core), hypOf(to, c.core))),
    }));
    // A hypervisor change alone (the diff module does not look at cores[i].hyp) still shows.
    for (let c = 0; c < to.cores.length; c++) {
      if (cores.some((x) => x.core === c)) continue;
      const hyp = changes(diffRecord(hypOf(from, c), hypOf(to, c)));
      if (hyp.length) cores.push({ core: c, regs: [], fields: [], tlbAdded: [], tlbRemoved: [], counters: [], hyp });
    }
    const rest = (s: MachineState): Record<string, unknown> =>
      Object.fromEntries(Object.entries(s).filter(([k]) => !KNOWN_MACHINE_FIELDS.has(k)));
    return {
      at,
      event: this.detail(at),
      cores: cores.sort((a, b) => a.core - b.core),
      vars: changes(d.vars),
      locks: changes(d.locks),
      tasks: changes(d.tasks),
      ptes: changes(d.ptes),
      sent: d.sent.map(json),
      delivered: d.delivered.map(json),
      stale: changes(d.stale),
      other: changes(diffRecord(rest(from), rest(to))),
    };
  }
}
