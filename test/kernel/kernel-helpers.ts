/**
 * Helpers the host-kernel tests share: small scenario builders (1, 2 or 4 cores, a few mms, tiny ASID
 * widths), runs that keep their events, per-core event views that tell an IPI handler's events from the
 * interrupted main program's, a fold that shows the machine state after each event, and the CLI.
 * Not a test file itself (vitest runs *.test.ts only).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { readScenario } from "../../scenarios/index.js";
import type { EventType, SimEvent } from "../../src/events/index.js";
import { builtinAllocators } from "../../src/kernel/asid/registry.js";
import { runScenario, type RunResult } from "../../src/run/run-scenario.js";
import { scenarioInitialState } from "../../src/run/simulate.js";
import type { Scenario, SwitchSequence } from "../../src/scenario/types.js";
import { applyInPlace } from "../../src/state/apply.js";
import type { MachineState } from "../../src/state/machine-state.js";

/** The repository root (this file is test/kernel/kernel-helpers.ts). */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = fileURLToPath(new URL("../../bin/smpsim.js", import.meta.url));

/** The switch sequence each allocator's kernel used. */
export const SEQUENCE_OF: Readonly<Record<string, SwitchSequence>> = {
  static: "reserved-asid",
  "linux-2.6.36": "reserved-asid",
  "linux-3.10": "reserved-ttbr0",
  "linux-4.x": "reserved-ttbr0",
  arm64: "atomic",
  "arm64-xchg": "atomic",
  "arm64-cmpxchg": "atomic",
};

export const USER_VA = 0x8000;
export const USER_VA2 = 0x9000;
export const KERNEL_VA = 0xc0008000;

export interface LoadOptions {
  id: string;
  cores: number;
  asidBits: number;
  allocator: string;
  switchSequence?: SwitchSequence;
  /** Single-threaded mms M0..M(n-1). */
  mms: number;
  /** Time slices per task: read, write, read, kernel read, yield. */
  slices?: number;
  /** Task Mi may only run on core i % cores (so no mm is ever current on two cores). */
  pinned?: boolean;
  /** An extra mm T with one thread pinned to each of these cores. */
  threadsOn?: number[];
  /** Slices per thread of T (default: `slices`). */
  threadSlices?: number;
  speculation?: boolean;
  /** schedule.windowCycles; undefined keeps the default (20). */
  windowCycles?: number | null;
}

const pa = (page: number): string => `0x${page.toString(16)}000`;

/** The raw scenario (as a JSON file would hold it) for a small load that makes the allocator work. */
export function loadRaw(o: LoadOptions): Record<string, unknown> {
  const slice = [
    { op: "read", va: "0x8000" },
    { op: "write", va: "0x9000" },
    { op: "read", va: "0x8000" },
    { op: "read", va: "0xc0008000" },
    { op: "yield" },
  ];
  const body = (n: number) => [{ op: "repeat", times: n, body: slice }];
  const tables: Record<string, Record<string, { pa: string }>> = { kernel: { "0xc0008000": { pa: "0x80008000" } } };
  const tasks: Record<string, unknown>[] = [];
  for (let i = 0; i < o.mms; i++) {
    const mm = `M${i}`;
    tables[mm] = { "0x8000": { pa: pa(0x100 + 2 * i) }, "0x9000": { pa: pa(0x101 + 2 * i) } };
    tasks.push({ id: mm, mm, ...(o.pinned ? { cores: [i % o.cores] } : {}), script: body(o.slices ?? 4) });
  }
  if (o.threadsOn) {
    tables.T = { "0x8000": { pa: pa(0x400) }, "0x9000": { pa: pa(0x401) } };
    o.threadsOn.forEach((c, i) =>
      tasks.push({ id: `T.${i}`, mm: "T", cores: [c], script: body(o.threadSlices ?? o.slices ?? 4) }),
    );
  }
  return {
    id: o.id,
    description: `test load: ${o.allocator}, ${o.cores} cores, ${o.asidBits}-bit ASIDs`,
    machine: { cores: o.cores, tlbEntries: 16, speculation: { enabled: o.speculation ?? false, rate: 0.05 } },
    tables,
    kernel: {
      asidAllocator: o.allocator,
      asidBits: o.asidBits,
      switchSequence: o.switchSequence ?? SEQUENCE_OF[o.allocator] ?? "reserved-asid",
    },
    tasks,
    ...(o.windowCycles !== undefined ? { schedule: { windowCycles: o.windowCycles } } : {}),
  };
}

export function load(o: LoadOptions): Scenario {
  return readScenario(loadRaw(o), `test scenario ${o.id}`);
}

export async function run(scenario: Scenario, seed: number, schedule?: string): Promise<RunResult> {
  return runScenario({
    scenario,
    baseDir: ROOT,
    seed,
    strategy: "random",
    keepEvents: true,
    ...(schedule !== undefined ? { schedule } : {}),
  });
}

/**
 * One event type, narrowed. Unlike EventOf it also narrows members whose `type` is itself a union
 * (VarEvent is "var.read" | "var.write" | ...).
 */
export type Ev<K extends EventType> = SimEvent extends infer E
  ? E extends { type: infer T }
    ? K extends T
      ? E & { type: K }
      : never
    : never
  : never;

/** A type guard for one event type, for `filter` and `find`. */
export const is =
  <K extends EventType>(type: K) =>
  (e: SimEvent): e is Ev<K> =>
    e.type === type;

/**
 * The events that happened on `core`, in log order. Choice events carry the core of the first ready
 * item rather than of the item picked, so they are left out, as is the final violation (core -1).
 */
export function onCore(events: readonly SimEvent[], core: number): SimEvent[] {
  return events.filter((e) => e.core === core && e.type !== "choice" && e.type !== "violation");
}

/** An IPI as the receiver handled it: the delivery that started its handler and the ipi.done that ended it. */
export interface HandlerSpan {
  msgId: number;
  ipi: string;
  from: number;
  core: number;
  deliver: Ev<"bus.deliver">;
  done: Ev<"ipi.done"> | undefined;
}

export function handlerSpans(events: readonly SimEvent[]): Map<number, HandlerSpan> {
  const spans = new Map<number, HandlerSpan>();
  for (const e of events) {
    if (e.type === "bus.deliver" && e.msg.kind === "ipi") {
      spans.set(e.msg.id, { msgId: e.msg.id, ipi: e.msg.ipi, from: e.msg.from, core: e.core, deliver: e, done: undefined });
    } else if (e.type === "ipi.done") {
      const s = spans.get(e.of);
      if (s) s.done = e;
    }
  }
  return spans;
}

/** The events a handler ran (strictly between its delivery and its ipi.done), deliveries of other messages left out. */
export function handlerEvents(events: readonly SimEvent[], span: HandlerSpan): SimEvent[] {
  const end = span.done?.seq ?? Infinity;
  return onCore(events, span.core).filter((e) => e.seq > span.deliver.seq && e.seq < end && e.type !== "bus.deliver");
}

/**
 * The events of `core`'s main program between two sequence numbers: IPI handler frames (delivery to
 * ipi.done) and message deliveries (acks, broadcast maintenance) are left out.
 */
export function mainProgramEvents(events: readonly SimEvent[], core: number, from: number, to: number): SimEvent[] {
  const out: SimEvent[] = [];
  let inHandler = 0;
  for (const e of onCore(events, core)) {
    if (e.seq <= from || e.seq >= to) continue;
    if (e.type === "bus.deliver") {
      if (e.msg.kind === "ipi") inHandler++;
      continue;
    }
    if (e.type === "ipi.done") {
      inHandler--;
      continue;
    }
    if (inHandler === 0) out.push(e);
  }
  return out;
}

/**
 * Folds the log from the scenario's initial state and calls `visit` with the live state right after
 * each event (the same state the invariants saw). The state object is reused: copy what you keep.
 */
export function fold(
  scenario: Scenario,
  events: readonly SimEvent[],
  visit: (s: MachineState, ev: SimEvent) => void,
): MachineState {
  const allocator = builtinAllocators[scenario.kernel.asidAllocator];
  if (!allocator) throw new Error(`fold: ${scenario.kernel.asidAllocator} is not a built-in allocator`);
  const s = scenarioInitialState(scenario, allocator);
  for (const ev of events) {
    applyInPlace(s, ev);
    visit(s, ev);
  }
  return s;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (dist/ must be built: `npx tsc -p .`). */
export function cli(args: readonly string[], cwd: string = ROOT): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A short description of a run for failure messages. */
export function where(scenario: Scenario, seed: number, r: RunResult): string {
  const v = r.outcome.violation;
  return `${scenario.id} seed ${seed}: ${r.outcome.reason}${v ? ` (${v.invariant} at event ${v.at}: ${v.message})` : ""}`;
}
