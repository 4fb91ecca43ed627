/**
 * An invariant is an observer of the event stream, run after every event is applied. It returns null
 * when all is well, or a sentence a kernel engineer understands naming what broke.
 */
import type { EventType, SimEvent } from "../events/index.js";
import type { Touches } from "../events/spec.js";
import type { MachineState } from "../state/machine-state.js";

export interface Invariant {
  readonly name: string;
  /**
   * The event types after which it can break (it is not even called after the others: half the events
   * are choices, which no invariant looks at). Omitted: every event.
   */
  readonly on?: readonly EventType[];
  /**
   * What its check reads beyond what the event itself touches (the event's spec), named as DPOR's
   * objects: exploration's dependence relation is built from these, so an undeclared read would make
   * DPOR prune interleavings that can break it.
   */
  reads(ev: SimEvent, t: Touches, s: MachineState): void;
  check(state: MachineState, ev: SimEvent): string | null;
}

export interface Violation {
  invariant: string;
  message: string;
  /** Sequence number of the breaking event. */
  at: number;
}

/** Per event type, the invariants to run, in list order; built once per list. */
type Dispatch = Map<string, readonly Invariant[]>;
const dispatchOf = new WeakMap<readonly Invariant[], { table: Dispatch; any: readonly Invariant[] }>();

function dispatch(invariants: readonly Invariant[]): { table: Dispatch; any: readonly Invariant[] } {
  let d = dispatchOf.get(invariants);
  if (!d) {
    const table: Dispatch = new Map();
    const types = new Set(invariants.flatMap((inv) => inv.on ?? []));
    for (const t of types)
      table.set(
        t,
        invariants.filter((inv) => !inv.on || inv.on.includes(t)),
      );
    dispatchOf.set(invariants, (d = { table, any: invariants.filter((inv) => !inv.on) }));
  }
  return d;
}

/** The checker for a list of invariants (the engine makes it once per run and calls it for every event). */
export function checker(invariants: readonly Invariant[]): Checker {
  let c = checkers.get(invariants);
  if (!c) checkers.set(invariants, (c = makeChecker(invariants)));
  return c;
}

type Checker = (s: MachineState, ev: SimEvent) => Violation | null;
/** Exploration makes an engine per schedule: one checker per invariant list. */
const checkers = new WeakMap<readonly Invariant[], Checker>();

function makeChecker(invariants: readonly Invariant[]): Checker {
  const d = dispatch(invariants);
  // A prototype-less object keyed by type: a property load is cheaper than a Map lookup per event.
  const byType: Record<string, readonly Invariant[]> = Object.create(null) as Record<string, readonly Invariant[]>;
  for (const [type, list] of d.table) byType[type] = list;
  const any = d.any;
  return (s, ev) => {
    const list = byType[ev.type] ?? any;
    return list.length === 0 ? null : run(list, s, ev);
  };
}

export function checkAll(invariants: readonly Invariant[], s: MachineState, ev: SimEvent): Violation | null {
  const d = dispatch(invariants);
  return run(d.table.get(ev.type) ?? d.any, s, ev);
}

function run(list: readonly Invariant[], s: MachineState, ev: SimEvent): Violation | null {
  for (let i = 0; i < list.length; i++) {
    const inv = list[i]!;
    const message = inv.check(s, ev);
    if (message !== null) return { invariant: inv.name, message, at: ev.seq };
  }
  return null;
}
