/**
 * Steps of one core that no other core's step can observe or disturb, so that stateful search need
 * not interleave other cores' steps before them: a static partial-order reduction with singleton
 * ample sets (Peled, "All from one, one for all", CAV 1993; Godefroid, "Partial-Order Methods for the
 * Verification of Concurrent Systems", LNCS 1032, 1996; SPIN's, Holzmann & Peled 1994). When the core
 * that ran last is about to take such a step, the search takes it without offering the other items.
 *
 * The conditions, and why these steps meet them (objects as DPOR names them, src/events/spec.ts):
 * - C1, independence: the step touches only `regs:C` (and `vcpu:V` of the vCPU thread running on C).
 *   Other cores' steps never touch another core's registers; what does is C's own later steps, a
 *   speculative walk of C (which reads the translation registers: those are left out when the machine
 *   has speculative walks) and an IPI taken on C, whose handler reads C's registers (a world switch's
 *   exit saves them) — so the step must run with C's interrupts masked, when the engine holds IPIs to C
 *   (src/engine/ready.ts) until C unmasks them, which only C's own later steps do. TLBI and ack
 *   deliveries to C touch `tlb:C` and `acks:C`, not these. A vCPU's saved registers are read only by
 *   the thread that runs that vCPU, which is the one on C.
 * - C2, invisibility: no invariant reads these registers (the timer's, HCR's trap bits, TTBR1, TTBCR.N,
 *   SCTLR.V; each invariant's `check`: src/invariants/), and an ISB under the sc memory model changes
 *   nothing. An invariant is checked after the events its `on` list names, every event that can break
 *   it (invariant.ts), so a violation another core's step causes is caught at that step in either order.
 * - C3, the cycle proviso: stateful search's states include each core's program trace, a history
 *   between loop heads, and script positions only advance, so no execution returns to a state it left:
 *   the state graph is acyclic and the proviso holds trivially.
 * - The preemption bound: the step is taken only when its core ran last, so taking it first costs no
 *   preemption, and a schedule that ran another item first needed one to do so; moving the step ahead
 *   never adds a preemption to a schedule.
 * Under the armv8 memory model barriers and register writes interact with store buffers kept outside
 * the machine state: nothing is reduced there.
 */
import type { Registers } from "../../cores/registers.js";
import type { Op } from "../engine/ops.js";

/** Registers only the core's own later steps read (and its speculative walker: `WALKER`). */
const PRIVATE: ReadonlySet<string> = new Set(["cntvoff", "cntvCval", "cntvCtl", "hcr"]);
/** Read by the translation walker, which a speculative walk runs beside the core's own steps. */
const WALKER: ReadonlySet<string> = new Set(["ttbr1", "ttbcrSplit", "vectorsHigh"]);

export function isLocalStep(op: Op, regs: Registers, speculativeWalks: boolean): boolean {
  if (op.k === "isb") return true;
  if (regs.irqOn) return false;
  if (op.k === "note") return op.ev.type === "hyp.save";
  if (op.k !== "reg") return false;
  for (const r in op.regs) if (!PRIVATE.has(r) && (speculativeWalks || !WALKER.has(r))) return false;
  return true;
}
