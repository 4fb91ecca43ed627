/**
 * The JSON the viewer's server answers with, shared by the server (src/ui/) and the page (src/ui/web/).
 * It imports nothing, so the browser build can use it without pulling in Node code.
 *
 * Positions count events applied, as in the debugger (src/timetravel/timeline.ts): position 0 is the
 * initial state, position n the state after events #0..#n-1, so the "current event" at position n is
 * event #n-1.
 */

/** A horizontal band of the timeline: one per core, one per VM (from world switches), one for the machine. */
export interface Lane {
  id: string;
  kind: "core" | "vm" | "machine";
  label: string;
}

/** One event as the timeline shows it: a mark on its lane with its one-line description. */
export interface EventMark {
  seq: number;
  t: number;
  core: number;
  type: string;
  text: string;
  lane: number;
}

/** Something that lasts on a lane, in event numbers: `start` and `end` are the seqs of the events that open and close it. */
export interface Span {
  lane: number;
  /** task, switch, ipi (a handler), call (smp_call_function waiting), world (in a guest). */
  cat: string;
  name: string;
  start: number;
  end: number;
}

/** A bus message from the event that sent it to the event that delivered it (an ack's starts where the handler returned). */
export interface Arrow {
  id: number;
  /** ipi, tlbi, ack-ipi, ack-tlbi. */
  cat: string;
  name: string;
  fromLane: number;
  fromSeq: number;
  toLane: number;
  toSeq: number;
}

/** Events worth finding from far away: shown on the scrubber. */
export interface Marker {
  seq: number;
  kind: "violation" | "rollover" | "fault";
  text: string;
}

export interface Meta {
  path: string;
  scenario: string;
  description: string;
  seed: number;
  cores: number;
  events: number;
  /** Why the log is incomplete (its valid prefix is shown), or null. */
  truncated: string | null;
  lanes: Lane[];
  /** The log's first violation: `seq` is the violation event, `at` the event that broke the invariant. */
  violation: { seq: number; at: number; invariant: string; message: string } | null;
  markers: Marker[];
  /** More markers than `markers` holds were found (the rest are left out). */
  markersCut: boolean;
  /** The largest window /api/events and /api/lanes answer. */
  maxWindow: number;
}

export interface EventsWindow {
  from: number;
  to: number;
  events: EventMark[];
}

export interface LanesWindow {
  from: number;
  to: number;
  spans: Span[];
  arrows: Arrow[];
}

/** A JSON value as the server sends it (the state's shape grows with the model: render it generically). */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface EventDetail {
  mark: EventMark;
  /** The event exactly as logged. */
  raw: JsonObject;
}

export interface StateView {
  at: number;
  /** The event that led to this state (#at-1), or null at position 0. */
  event: EventDetail | null;
  /** The machine state after `at` events, less its page tables (large, and not shown). */
  state: JsonObject;
  /** For each core, the TLB slots whose entry the tables no longer agree with (src/ui/stale-entries.ts). */
  staleTlb: number[][];
  /**
   * The same state as the debugger prints it (src/views/machine-views.ts: `state` and `core N`),
   * so both speak kernel ("context A 0:1", "wait lock cpu_asid_lock", "VTTBR —"). Absent from a server
   * that does not format.
   */
  text?: { machine: string[]; cores: string[][] };
}

export interface Change {
  key: Json;
  from?: Json;
  to?: Json;
}

export interface CoreChanges {
  core: number;
  regs: Change[];
  fields: Change[];
  tlbAdded: JsonObject[];
  tlbRemoved: JsonObject[];
  counters: Change[];
  /** Hypervisor fields (cores[i].hyp) that changed. */
  hyp: Change[];
}

export interface DiffView {
  at: number;
  event: EventDetail | null;
  cores: CoreChanges[];
  vars: Change[];
  locks: Change[];
  tasks: Change[];
  ptes: Change[];
  sent: JsonObject[];
  delivered: JsonObject[];
  stale: Change[];
  /** Machine-wide fields the diff module does not know yet (vcpus, VMID allocator state, ...). */
  other: Change[];
}

export interface ApiError {
  error: string;
}

/** /api/list: events matching a filter (the debugger's predicates), nearest first from where it started. */
export interface ListAnswer {
  q: string;
  /** Matching events in the direction asked, nearest first. */
  matches: EventMark[];
  /** The event the scan would go on from (null: it reached the end of the log in that direction). */
  resume: number | null;
}

export interface Density {
  buckets: number;
  /** Events per bucket (the last may hold fewer). */
  per: number;
  /** Counts per bucket by event type (choice events left out). */
  types: Record<string, number[]>;
}

/** /api/watch: the value of a watch expression at the position, and its next (or previous) change. */
export interface WatchAnswer {
  expr: string;
  now: string;
  hit: { seq: number; position: number; from: string; to: string } | null;
}

/** /api/why: the debugger's `why N VA`, line by line. */
export interface WhyAnswer {
  lines: string[];
}
