/**
 * The duration slices of one core's track, from its events in log order:
 *  - task: from `sched.pick` to the task's `sched.yield` / `task.exit` (or the next pick);
 *  - context switch: from `sched.pick` to the end of switch_mm, that is the last register write or
 *    barrier after the allocator's `asid.assign`, or the last kernel step before the task's first
 *    access when there is no assignment;
 *  - IPI handler: from the `bus.deliver` of an IPI to its `ipi.done`;
 *  - smp_call_function(..., wait=1): from the `ipi.send` to `ipi.acked`.
 * Events inside an IPI handler belong to the handler, not to the switch they interrupted.
 */
import type { SimEvent } from "../events/index.js";

export interface Slice {
  name: string;
  cat: string;
  core: number;
  start: number;
  end: number;
  args: Record<string, unknown>;
}

interface OpenSwitch {
  slice: Slice;
  /** The allocator has assigned the context: only register writes and barriers still belong to it. */
  assigned: boolean;
}

/** Event types that are the user program touching memory: the switch is over before them. */
const ACCESS = new Set(["tlb.hit", "mmu.fault", "tlb.fill"]);

export class CoreSlices {
  private task: Slice | null = null;
  private sw: OpenSwitch | null = null;
  /** IPI handlers running, innermost last, by message id. */
  private readonly irqs: { id: number; slice: Slice }[] = [];
  private call: Slice | null = null;
  /** The last event on this core outside handlers (where a switch ends when the next event is not its own). */
  private lastT = 0;

  constructor(
    private readonly core: number,
    private readonly done: (s: Slice) => void,
  ) {}

  private open(name: string, cat: string, t: number, args: Record<string, unknown> = {}): Slice {
    return { name, cat, core: this.core, start: t, end: t, args };
  }

  private close(s: Slice | null, end: number): null {
    if (s) {
      s.end = Math.max(s.start, end);
      this.done(s);
    }
    return null;
  }

  /** Feeds one event of this core (choices excluded). */
  event(ev: SimEvent): void {
    if (ev.type === "bus.deliver" && ev.msg.kind === "ipi") {
      this.irqs.push({
        id: ev.msg.id,
        slice: this.open(`IPI ${ev.msg.ipi}`, "ipi", ev.t, { msg: ev.msg.id, from: ev.msg.from, arg: ev.msg.arg }),
      });
      return;
    }
    if (ev.type === "ipi.done") {
      const i = this.irqs.findIndex((h) => h.id === ev.of);
      if (i >= 0) this.close(this.irqs.splice(i, 1)[0]!.slice, ev.t);
      return;
    }
    if (this.irqs.length) return;
    const spec = (ev.type === "tlb.fill" || ev.type === "mmu.fault") && ev.spec;
    if (spec) return; // the hardware walking on its own, not the program
    this.switchStep(ev);
    switch (ev.type) {
      case "sched.pick":
        this.task = this.close(this.task, ev.t);
        this.task = this.open(ev.task, "task", ev.t, { task: ev.task, mm: ev.mm, prev: ev.prev || null });
        this.sw = {
          slice: this.open(`switch_mm → ${ev.mm}`, "switch", ev.t, { task: ev.task, prev: ev.prev || null, mm: ev.mm }),
          assigned: false,
        };
        break;
      case "sched.yield":
      case "task.exit":
        this.task = this.close(this.task, ev.t);
        break;
      case "ipi.send":
        if (ev.wait)
          this.call = this.open(`smp_call_function ${ev.msgs[0]?.ipi ?? ""} (wait)`, "ipi", ev.t, {
            to: ev.msgs.map((m) => m.to),
          });
        break;
      case "ipi.acked":
        this.call = this.close(this.call, ev.t);
        break;
    }
    this.lastT = ev.t;
  }

  /** The switch slice's state machine, before the event's own effect. */
  private switchStep(ev: SimEvent): void {
    const sw = this.sw;
    if (!sw) return;
    const ends =
      ev.type === "sched.pick" ||
      ev.type === "sched.yield" ||
      ev.type === "task.exit" ||
      ev.type === "core.done" ||
      ACCESS.has(ev.type) ||
      (sw.assigned && ev.type !== "reg.write" && ev.type !== "barrier");
    if (ends) {
      this.sw = this.close(sw.slice, this.lastT);
      return;
    }
    sw.slice.end = ev.t;
    if (ev.type === "asid.assign") {
      sw.assigned = true;
      sw.slice.args.asid = `${ev.generation}:${ev.asid}`;
    }
  }

  /** Closes whatever is still open at the end of the log: all of it was still going on then. */
  finish(t: number): void {
    this.sw = this.sw ? this.close(this.sw.slice, t) : null;
    this.task = this.close(this.task, t);
    this.call = this.close(this.call, t);
    for (const h of this.irqs.splice(0)) this.close(h.slice, t);
  }
}
