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
  /** Finished slices by vCPU, in the order the vCPUs first entered. */
  readonly byVcpu = new Map<string, { vm: string; slices: Slice[] }>();

  event(ev: SimEvent): void {
    if (ev.type === "hyp.enter") {
      this.close(ev.core, ev.t);
      if (!this.byVcpu.has(ev.vcpu)) this.byVcpu.set(ev.vcpu, { vm: ev.vm, slices: [] });
      const name = `${ev.vm} on core ${ev.core} (VMID ${ev.gen}:${ev.vmid})`;
      this.open.set(ev.core, { vcpu: ev.vcpu, slice: { name, cat: "guest", core: ev.core, start: ev.t, end: ev.t, args: { vcpu: ev.vcpu, vmid: ev.vmid, gen: ev.gen, seq: ev.seq } } });
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
    this.byVcpu.get(o.vcpu)!.slices.push(o.slice);
    this.open.delete(core);
  }

  /** Closes the guests still running when the log ends. */
  finish(t: number): void {
    for (const core of [...this.open.keys()]) this.close(core, t);
  }
}
