/**
 * What one step of an execution read and wrote, from the events it emitted: the dependency relation
 * DPOR needs. Objects are shared variables, locks, a core's registers and TLB, page tables, ack
 * counters, each task's run state and the set of running contexts (which invariants read). The
 * scheduler on a core reads the state of the tasks it may run (and, to see that all have exited,
 * every task).
 * A step's invariant checks count as reads of what they look at.
 */
import { stage1Table } from "../../cores/walk.js";
import { msgKey } from "../engine/chooser.js";
import type { SimEvent } from "../events/index.js";
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

/** The scheduler's view: the tasks it may pick. */
function schedulerReads(c: number, s: MachineState, o: Objects, r: (n: string) => void): void {
  const mine = o.tasksOn(c);
  for (const t of mine.length ? mine : Object.keys(s.tasks)) r(`task:${t}`);
}

export function dependent(a: Footprint, b: Footprint): boolean {
  for (const w of a.writes) if (b.writes.includes(w) || b.reads.includes(w)) return true;
  for (const w of b.writes) if (a.reads.includes(w)) return true;
  return false;
}

/** Adds what `ev` (just applied to `s`) touched to the footprint of the step it belongs to. */
export function addEvent(fp: Footprint, ev: SimEvent, s: MachineState, o: Objects): void {
  const c = ev.core;
  const r = (n: string): void => void fp.reads.push(o.id(n));
  const w = (n: string): void => void fp.writes.push(o.id(n));
  switch (ev.type) {
    case "var.read": return r(`v:${ev.name}`);
    case "var.write": case "var.xchg": case "var.cmpxchg": return w(`v:${ev.name}`);
    case "lock.acquire": case "lock.release": return w(`l:${ev.name}`);
    case "core.wait": {
      const x = ev.wait;
      if (x.on === "idle") return schedulerReads(c, s, o, r);
      return r(x.on === "lock" ? `l:${x.name}` : x.on === "acks" ? `acks:${c}` : `tacks:${c}`);
    }
    case "reg.write": return w(`regs:${c}`);
    case "barrier": return ev.kind === "dsb" ? r(`tacks:${c}`) : undefined;
    case "tlb.hit": {
      const core = s.cores[c]!;
      w(`tlb:${c}`);
      r(`regs:${c}`);
      return r(`pt:${stage1Table(core.regs, Math.floor(ev.va / 4096), Math.floor(s.pageOffset / 4096))}`);
    }
    case "tlb.fill": w(`tlb:${c}`); r(`regs:${c}`); return r(`pt:${ev.entry.table}`);
    case "mmu.fault": r(`regs:${c}`); return r(`pt:${ev.table}`);
    case "tlbi":
      w(`tlb:${c}`);
      for (const m of ev.msgs) fp.creates.push(msgKey(m.id));
      return ev.broadcast ? w(`tacks:${c}`) : undefined;
    case "pte.write": case "pte.retire": return w(`pt:${ev.table}`);
    case "ipi.send":
      w(`acks:${c}`);
      for (const m of ev.msgs) fp.creates.push(msgKey(m.id));
      return;
    case "bus.deliver": {
      const m = ev.msg;
      if (ev.ack) fp.creates.push(msgKey(ev.ack.id));
      if (m.kind === "ipi") return w(`regs:${c}`);
      if (m.kind === "tlbi") return w(`tlb:${c}`);
      return w(m.for === "ipi" ? `acks:${c}` : `tacks:${c}`);
    }
    case "ipi.done": fp.creates.push(msgKey(ev.ack.id)); return w(`regs:${c}`);
    case "ipi.acked": return r(`acks:${c}`);
    case "sched.pick": schedulerReads(c, s, o, r); return w(`task:${ev.task}`);
    case "sched.yield": case "task.exit": return w(`task:${ev.task}`);
    case "asid.assign": return w("ctx");
    case "core.done":
      // The scheduler saw every task exited.
      for (const t in s.tasks) r(`task:${t}`);
      return;
    // The hypervisor: a core's hyp state goes with its registers (entry and exit change the mode and
    // the interrupt mask); "guests" is the set of (VM, VMID) running, which the VMID invariants read.
    case "vcpu.load": case "vcpu.put": w(`regs:${c}`); return w(`vcpu:${ev.vcpu}`);
    case "hyp.save": r(`regs:${c}`); return w(ev.into === "host" ? `regs:${c}` : `vcpu:${ev.into}`);
    case "hyp.enter": r(`vcpu:${ev.vcpu}`); r("guests"); w("guests"); return w(`regs:${c}`);
    case "hyp.exit": w("guests"); return w(`regs:${c}`);
    case "choice": case "violation": case "asid.rollover": case "vmid.assign": case "vmid.rollover": return;
    default: {
      // Every event type must say what it touches, or DPOR would treat it as independent of all.
      const unhandled: never = ev;
      throw new Error(`footprint: no case for ${(unhandled as SimEvent).type}`);
    }
  }
}
