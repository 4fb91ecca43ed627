/** Explains a machine where no core can move: who waits for what, and who holds it. */
import type { MachineState } from "../state/machine-state.js";

export function describeDeadlock(s: MachineState): string {
  const parts: string[] = [];
  for (const core of s.cores) {
    if (core.done) continue;
    const w = core.wait;
    if (!w) parts.push(`core ${core.id} cannot take a pending interrupt`);
    else if (w.on === "lock") {
      const owner = s.locks[w.name];
      parts.push(`core ${core.id} waits for lock ${w.name}` + (owner === undefined ? "" : ` held by core ${owner}`));
    } else if (w.on === "acks") parts.push(`core ${core.id} waits for ${w.outstanding} IPI ack(s)`);
    else if (w.on === "dsb") parts.push(`core ${core.id} waits at a DSB for ${w.outstanding} broadcast TLBI(s)`);
    else parts.push(`core ${core.id} is idle with no task it may run`);
  }
  const held: string[] = [];
  for (const m of s.inflight) {
    if (m.kind === "ipi") held.push(`IPI #${m.id} (${m.ipi}) to core ${m.to}, which has interrupts masked`);
  }
  const stuck = parts.length ? parts.join("; ") : "every core has finished";
  return `no core can make progress: ${stuck}` + (held.length ? `; never delivered: ${held.join("; ")}` : "");
}
