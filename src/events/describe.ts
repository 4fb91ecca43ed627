/** One short line per event, in a kernel engineer's terms: for column views, the debugger, traces. */
import { hex } from "../../cores/page-table.js";
import type { Tlbi } from "../../cores/tlb.js";
import type { SimEvent } from "./index.js";

const tlbiText = (op: Tlbi): string => {
  switch (op.scope) {
    case "all": return "TLBIALL";
    case "allvm": return "TLBIALLNSNH";
    case "vmid": return `TLBI VMID ${op.vmid ?? "cur"}`;
    case "asid": return `TLBIASID ${op.asid}`;
    case "va": return `TLBIMVA ${hex((op.vpn ?? 0) * 4096)} ASID ${op.asid}`;
    case "vaa": return `TLBIMVAA ${hex((op.vpn ?? 0) * 4096)}`;
  }
};

export function describeEvent(ev: SimEvent): string {
  switch (ev.type) {
    case "choice": return `choice ${ev.pick}/${ev.of}${ev.what ? ` (${ev.what})` : ""}`;
    case "violation": return `VIOLATION ${ev.invariant}`;
    case "reg.write": return Object.entries(ev.regs).map(([r, v]) => `${r}←${typeof v === "number" && r !== "asid" && r !== "vmid" ? hex(v) : String(v)}`).join(" ");
    case "barrier": return ev.kind.toUpperCase();
    case "core.wait": {
      const w = ev.wait;
      return w.on === "lock" ? `wait lock ${w.name}` : w.on === "idle" ? "idle" : `wait ${w.on} (${w.outstanding})`;
    }
    case "core.done": return "done";
    case "var.read": return `${ev.name} → ${ev.old}`;
    case "var.write": return `${ev.name} ← ${ev.value}`;
    case "var.xchg": return `xchg ${ev.name} ${ev.old}→${ev.value}`;
    case "var.cmpxchg": return `cmpxchg ${ev.name} ${ev.old}→${ev.value}`;
    case "lock.acquire": return `lock ${ev.name}`;
    case "lock.release": return `unlock ${ev.name}`;
    case "tlb.hit": return `${ev.write ? "write" : "read"} ${hex(ev.va)} hit slot ${ev.slot}`;
    case "tlb.fill": {
      const e = ev.entry;
      const tag = e.global ? "global" : `ASID ${e.gen ? `${e.gen}:` : ""}${e.asid}`;
      return `${ev.spec ? "spec walk" : ev.write ? "write miss" : "read miss"} ${hex(ev.va)}→${hex(e.pa)} ${tag} (${e.table})`;
    }
    case "mmu.fault": return `${ev.spec ? "spec walk" : "FAULT"} ${hex(ev.va)} unmapped in ${ev.table}`;
    case "tlbi": return `${tlbiText(ev.op)}${ev.broadcast ? "IS" : ""} (-${ev.removed})`;
    case "pte.write": return ev.pte ? `pte ${ev.table} ${hex(ev.va)}→${hex(ev.pte.pa)}` : `pte ${ev.table} ${hex(ev.va)} cleared`;
    case "pte.retire": return `retire ${ev.table} ${hex(ev.va)} (page freed)`;
    case "ipi.send": return `IPI ${ev.msgs[0]?.ipi ?? ""} → ${ev.msgs.map((m) => m.to).join(",")}${ev.wait ? " (wait)" : ""}`;
    case "bus.deliver": {
      const m = ev.msg;
      if (m.kind === "ipi") return `take IPI ${m.ipi} #${m.id} from ${m.from}`;
      if (m.kind === "tlbi") return `${tlbiText(m.op)} from ${m.from} (-${ev.removed})`;
      return `ack #${m.of} from ${m.from}`;
    }
    case "ipi.done": return `IPI #${ev.of} handled, ack`;
    case "ipi.acked": return "all IPIs acked";
    case "sched.pick": return `switch to ${ev.task} (mm ${ev.mm})`;
    case "sched.yield": return `${ev.task} yields`;
    case "task.exit": return `${ev.task} exits`;
    case "asid.rollover": return `ROLL-OVER to generation ${ev.generation}`;
    case "asid.assign": return `mm ${ev.mm} ASID ${ev.generation}:${ev.asid}`;
    case "vcpu.load": return `load vCPU ${ev.vcpu}`;
    case "vcpu.put": return `put vCPU ${ev.vcpu}`;
    case "hyp.save": return `save ${Object.keys(ev.regs).join(",")} → ${ev.into === "host" ? "host context" : `vCPU ${ev.into}`}`;
    case "hyp.enter": return `ENTER guest ${ev.vm} (vCPU ${ev.vcpu}, VMID ${ev.gen}:${ev.vmid})`;
    case "hyp.exit": return `EXIT guest (vCPU ${ev.vcpu}, ${ev.reason})`;
    case "vmid.assign": return `VM ${ev.vm} VMID ${ev.gen}:${ev.vmid}`;
    case "vmid.rollover": return `VMID ROLL-OVER to generation ${ev.gen}`;
  }
}
