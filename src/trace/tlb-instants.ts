/**
 * The TLB in a trace: an instant on the core's track for every fill, hit, TLB maintenance operation
 * (issued, or carried out for a broadcast from another core) and page-table change, named as the
 * debugger describes the event, with its fields as args. With them the munmap bug reads in Perfetto as
 * in the debugger: `pte A 0x8000 cleared`, a local `TLBIMVA`, and then a `hit` on the other core
 * whose entry (args.pa) still points at the freed page.
 */
import { describeEvent } from "../events/describe.js";
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import { PID, type TraceEvent } from "./trace-event.js";

/** The instant for a TLB or page-table event (called after the event is applied to `s`), or null. */
export function tlbInstant(ev: SimEvent, s: MachineState): TraceEvent | null {
  const at = (cat: string, args: Record<string, unknown>): TraceEvent => ({
    name: describeEvent(ev),
    cat,
    ph: "i",
    s: "t",
    pid: PID,
    tid: ev.core,
    ts: ev.t,
    args: { seq: ev.seq, ...args },
  });
  switch (ev.type) {
    case "tlb.fill": {
      const e = ev.entry;
      return at("tlb", {
        va: hex(ev.va),
        pa: hex(e.pa),
        asid: e.asid,
        vmid: e.vmid,
        global: e.global,
        table: e.table,
        slot: ev.slot,
        evicted: ev.evicted,
        spec: ev.spec,
      });
    }
    case "tlb.hit": {
      // The entry that served it: after the event it is still in its slot (a hit changes only LRU age).
      const e = s.cores[ev.core]?.tlb[ev.slot];
      return at("tlb", {
        va: hex(ev.va),
        slot: ev.slot,
        ...(e ? { pa: hex(e.pa), asid: e.asid, vmid: e.vmid, table: e.table, filledAt: e.filledAt } : {}),
      });
    }
    case "tlbi":
      return at("tlbi", { op: ev.op, broadcast: ev.broadcast, removed: ev.removed });
    case "bus.deliver":
      return ev.msg.kind === "tlbi" ? at("tlbi", { op: ev.msg.op, from: ev.msg.from, removed: ev.removed }) : null;
    case "pte.write":
      return at("pte", { table: ev.table, va: hex(ev.va), pte: ev.pte ? { ...ev.pte, pa: hex(ev.pte.pa) } : null });
    case "pte.retire":
      return at("pte", { table: ev.table, va: hex(ev.va) });
    // machine.walkCache: a page-table page unlinked and freed.
    case "pt.unlink":
      return at("pte", { table: ev.table, va: hex(ev.va), tablePage: hex(ev.pfn * 4096) });
    case "pt.free":
      return at("pte", { tablePage: hex(ev.pfn * 4096) });
    default:
      return null;
  }
}

const hex = (n: number): string => `0x${n.toString(16)}`;
