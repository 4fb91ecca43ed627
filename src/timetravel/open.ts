/**
 * A log file made ready for time travel: its header's scenario validated, its ASID allocator resolved
 * (a module only when the user allows it: log/modules.ts), its events read once through the one
 * streaming parser and checked against their schemas (a truncated tail is reported, its complete
 * events kept), and the initial state built. The events are not kept: only where each block of them
 * starts in the file (log/event-file.ts), so memory does not grow with the log (issue 15, item 8).
 */
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { namingFile } from "../log/apply-logged.js";
import { checkEvent, schemaOf } from "../events/event-schema.js";
import type { EventList } from "../log/event-list.js";
import { CACHE_BLOCKS, EventOffsets, FileEvents } from "../log/event-file.js";
import type { LogFooter, LogHeader } from "../log/format.js";
import { logAllocator } from "../log/modules.js";
import { LogStream } from "../log/stream.js";
import { scenarioInitialState } from "../run/simulate.js";
import type { Scenario } from "../scenario/types.js";
import type { MachineState } from "../state/machine-state.js";
import type { EventOf } from "../events/index.js";
import { DEFAULT_K, SnapshotBuilder, Snapshots } from "./snapshots.js";
import { Timeline } from "./timeline.js";

export interface OpenedEvents {
  header: LogHeader;
  events: EventList;
  footer: LogFooter | null;
  /** Why the log is incomplete, or null when it ends with its footer. */
  truncated: string | null;
  /** The log's violation event (a run stops at its first), or null. */
  violation: EventOf<"violation"> | null;
  /** The event types the log holds. */
  types: ReadonlySet<string>;
}

export interface OpenedLog {
  path: string;
  log: OpenedEvents;
  scenario: Scenario;
  allocator: AsidAllocator;
  /** A fresh initial state each call. */
  initial(): MachineState;
  /** The snapshots made while the log was read (null when not asked for). */
  snapshots: Snapshots | null;
}

export interface OpenOptions {
  /** Snapshot interval to fold at while reading (null: none, e.g. for `trace`). Default DEFAULT_K. */
  k?: number | null;
  /** Blocks of parsed events kept in memory, and events per block (event-file.ts; tests make them small). */
  cacheBlocks?: number;
  block?: number;
}

/**
 * `check` validates the header's resolved scenario (the CLI's catalog.check); it throws on bad input.
 * `allowModules`: the user allows loading an allocator module the header names (see log/modules.ts).
 * The log is read once: each event is checked, its place in the file noted, and folded into the snapshots.
 */
export async function openLog(
  path: string,
  check: (raw: unknown, where: string) => Scenario,
  allowModules = false,
  opts: OpenOptions = {},
): Promise<OpenedLog> {
  const k = opts.k === undefined ? DEFAULT_K : opts.k;
  const stream = LogStream.open(path);
  const offsets = new EventOffsets(opts.block);
  const types = new Set<string>();
  let violation: EventOf<"violation"> | null = null;
  let scenario: Scenario;
  let allocator: AsidAllocator;
  let fold: SnapshotBuilder | null;
  try {
    scenario = check(stream.header.config, `${path}: line 1: config`);
    stream.header.config = scenario;
    allocator = await logAllocator(scenario, path, allowModules);
    stream.validateWith(schemaOf(scenario));
    const snapshots = (fold = k === null ? null : new SnapshotBuilder(scenarioInitialState(scenario, allocator), k));
    namingFile(path, () =>
      stream.forEach((ev) => {
        snapshots?.add(ev);
        offsets.add(stream.lineStart, stream.lineEnd);
        types.add(ev.type);
        if (ev.type === "violation" && !violation) violation = ev;
      }),
    );
  } finally {
    stream.close();
  }
  const schema = schemaOf(scenario);
  const events = new FileEvents(path, offsets, opts.cacheBlocks ?? CACHE_BLOCKS, (ev) => checkEvent(ev, schema));
  const log: OpenedEvents = {
    header: stream.header,
    events,
    footer: stream.footer,
    truncated: stream.truncated,
    violation,
    types,
  };
  const snapshots = fold ? fold.done(events) : null;
  return { path, log, scenario, allocator, initial: () => scenarioInitialState(scenario, allocator), snapshots };
}

/**
 * The timeline of an opened log, over the snapshots made while it was read when they have interval `k`;
 * a log whose events do not fold (damaged) is a LogError naming its line.
 */
export function timelineOf(opened: OpenedLog, k = DEFAULT_K): Timeline {
  const made = opened.snapshots?.k === k ? opened.snapshots : null;
  return namingFile(
    opened.path,
    () => new Timeline(made ? null : opened.initial(), opened.log.events, made ?? k, opened.log.types),
  );
}
