/** Shared wording for invariant messages, in the terms a kernel engineer uses. */
import { hex, PAGE_SIZE } from "../../cores/page-table.js";
import type { TlbEntry } from "../../cores/tlb.js";
import type { MachineState } from "../state/machine-state.js";

export function describeEntry(e: TlbEntry): string {
  // The generation is the host's ASID generation: it says nothing about a guest's own ASIDs.
  const tag = e.global ? "a global entry" : `ASID ${e.asid}` + (e.gen > 0 && e.vmid === 0 ? ` of generation ${e.gen}` : "");
  const vm = e.vmid > 0 ? ` in VMID ${e.vmid}` : "";
  return `a TLB entry for VA ${hex(e.vpn * PAGE_SIZE)} filled at event ${e.filledAt} under ${tag}${vm} from table ${e.table} (PA ${hex(e.pa)})`;
}

export function describeRunning(s: MachineState, core: number): string {
  const task = s.cores[core]!.task;
  return task ? `task ${task} (mm ${s.tasks[task]!.mm})` : "no task (kernel idle)";
}
