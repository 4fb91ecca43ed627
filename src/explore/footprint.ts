/**
 * What one step of an execution read and wrote, from the events it emitted: the dependency relation
 * DPOR needs. Objects are shared variables, locks, a core's registers and TLB, page tables, ack
 * counters, each task's run state and the set of running contexts (which invariants read). The
 * scheduler on a core reads the state of the tasks it may run (and, to see that all have exited,
 * every task).
 * A step's invariant checks count as reads of what they declare (Invariant.reads).
 */
import { stage1Table } from "../../cores/walk.js";
import { msgKey } from "../engine/chooser.js";
import { vpnOf } from "../../cores/page-table.js";
import type { SimEvent } from "../events/index.js";
import type { Touches } from "../events/spec.js";
import { tlbOwner } from "../state/shared-tlb.js";
import { specOf } from "../events/specs.js";
import { machineInvariants } from "../invariants/index.js";
import type { Invariant } from "../invariants/invariant.js";
import type { MachineState } from "../state/machine-state.js";

export interface Footprint {
  reads: number[];
  writes: number[];
  /** Keys of the bus messages the step sent (their delivery happens after it). */
  creates: number[];
}

/** Interns object names as small numbers so dependency checks compare integers. */
export class Objects {
  /** Tasks each core's scheduler may pick (all tasks, when affinity does not restrict). */
  constructor(readonly tasksOn: (core: number) => readonly string[] = () => []) {}

  private readonly ids = new Map<string, number>();
  /** For each object: the core whose speculative walks it affects (registers, TLB), -2 for page
   *  tables (every core's), -1 for anything else. */
  readonly walkCore: number[] = [];
  id(name: string): number {
    let i = this.ids.get(name);
    if (i === undefined) {
      this.ids.set(name, (i = this.ids.size));
      const m = /^(regs|tlb):(\d+)$/.exec(name);
      this.walkCore.push(m ? Number(m[2]) : name.startsWith("pt:") ? -2 : -1);
    }
    return i;
  }
}

export function emptyFootprint(): Footprint {
  return { reads: [], writes: [], creates: [] };
}

export function dependent(a: Footprint, b: Footprint): boolean {
  for (const w of a.writes) if (b.writes.includes(w) || b.reads.includes(w)) return true;
  for (const w of b.writes) if (a.reads.includes(w)) return true;
  return false;
}

/** Per event type, the invariants checked after it (whose reads count as the step's). */
const readersOf = new WeakMap<readonly Invariant[], Map<string, readonly Invariant[]>>();
function readers(invariants: readonly Invariant[], type: string): readonly Invariant[] {
  let byType = readersOf.get(invariants);
  if (!byType) readersOf.set(invariants, (byType = new Map<string, readonly Invariant[]>()));
  let list = byType.get(type);
  if (!list) byType.set(type, (list = invariants.filter((inv) => !inv.on || (inv.on as readonly string[]).includes(type))));
  return list;
}

/**
 * Adds what `ev` (just applied to `s`) touched to the footprint of the step it belongs to: what its
 * spec says it reads and writes (src/events/*-spec.ts), and what the invariants checked after it read.
 */
export function addEvent(
  fp: Footprint,
  ev: SimEvent,
  s: MachineState,
  o: Objects,
  invariants: readonly Invariant[] = machineInvariants,
): void {
  const spec = specOf(ev.type);
  // Every event type has a spec, or DPOR would treat it as independent of all.
  if (!spec) throw new Error(`footprint: no spec for event type ${ev.type}`);
  const t: Touches = {
    // A shared TLB is one object, named after its group's lowest core (src/state/shared-tlb.ts).
    read: (n) => void fp.reads.push(o.id(s.tlbSiblings ? sharedTlbName(s, n) : n)),
    write: (n) => void fp.writes.push(o.id(s.tlbSiblings ? sharedTlbName(s, n) : n)),
    creates: (id) => void fp.creates.push(msgKey(id)),
    schedulerTasks: (c) => {
      const mine = o.tasksOn(c);
      return mine.length ? mine : Object.keys(s.tasks);
    },
    allTasks: () => Object.keys(s.tasks),
    cores: () => s.cores.length,
    stage1Table: (c, va) => stage1Table(s.cores[c]!.regs, vpnOf(va), vpnOf(s.pageOffset)),
  };
  spec.touches(ev, t);
  for (const inv of readers(invariants, ev.type)) inv.reads(ev, t, s);
}

/** `tlb:C` → `tlb:O`, O the owner of core C's (shared) TLB; any other name as it is. */
function sharedTlbName(s: MachineState, n: string): string {
  return n.startsWith("tlb:") ? `tlb:${tlbOwner(s, Number(n.slice(4)))}` : n;
}
