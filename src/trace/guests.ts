/**
 * The guests' tracks of a trace: one per vCPU (a vCPU runs on one core at a time, so its slices never
 * overlap), a slice from each `hyp.enter` to the `hyp.exit` that ends it, named after the core and
 * the VMID it ran under. Kept off the core tracks: an interrupt's handler slice starts while the guest
 * runs and its world switch out ends the guest inside the handler, which would not nest.
 */
import type { SimEvent } from "../events/index.js";
import type { Slice } from "./slices.js";

export class GuestSlices {
  /** Open guest slice by core. */
  private readonly open = new Map<number, { vcpu: string; slice: Slice }>();
  /** The vCPUs in the order they first entered: their track ids (the first is `firstTid`). */
  readonly byVcpu = new Map<string, { vm: string; tid: number }>();

  /** `done` gets each finished slice with its vCPU's track id. */
  constructor(
    private readonly firstTid: number,
    private readonly done: (s: Slice, tid: number) => void,
  ) {}

  event(ev: SimEvent): void {
    if (ev.type === "hyp.enter") {
      this.close(ev.core, ev.t);
      if (!this.byVcpu.has(ev.vcpu)) this.byVcpu.set(ev.vcpu, { vm: ev.vm, tid: this.firstTid + this.byVcpu.size });
      const name = `${ev.vm} on core ${ev.core} (VMID ${ev.gen}:${ev.vmid})`;
      this.open.set(ev.core, {
        vcpu: ev.vcpu,
        slice: {
          name,
          cat: "guest",
          core: ev.core,
          start: ev.t,
          end: ev.t,
          args: { vcpu: ev.vcpu, vmid: ev.vmid, gen: ev.gen, seq: ev.seq },
        },
      });
    } else if (ev.type === "hyp.exit") {
      const o = this.open.get(ev.core);
      if (o) o.slice.args.exit = ev.reason;
      this.close(ev.core, ev.t);
    }
  }

  private close(core: number, t: number): void {
    const o = this.open.get(core);
    if (!o) return;
    o.slice.end = Math.max(o.slice.start, t);
    this.done(o.slice, this.byVcpu.get(o.vcpu)!.tid);
    this.open.delete(core);
  }

  /** Closes the guests still running when the log ends. */
  finish(t: number): void {
    for (const core of [...this.open.keys()]) this.close(core, t);
  }
}
