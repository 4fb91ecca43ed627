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
 *   speculative walk of C (which reads the translation registers: only the timer's and HCR's trap
 *   bits are taken when the machine has speculative walks) and an IPI taken on C, whose handler reads
 *   C's registers (a world switch's exit saves them) — so the step must run with C's interrupts
 *   masked, when the engine holds IPIs to C (src/engine/ready.ts) until C unmasks them, which only C's
 *   own steps do. The unmask itself qualifies: no IPI to C can be taken before it, and an IPI sent to C
 *   meanwhile waits for it in either order. TLBI and ack deliveries to C touch `tlb:C` and `acks:C`,
 *   not these. A vCPU's saved registers are read only by the thread that runs that vCPU, which is the
 *   one on C.
 * - `running:C` (CONTEXTIDR, TTBR0, VTTBR's VMID, HCR.VM, the mode) is compared across cores by
 *   same-asid-threads and same-vmid-vcpus, whose checks read it beside `regs:C`. In Hyp mode both
 *   checks skip C whatever those registers hold (`settledOutsideBus`: mode not HYP; `runningVmid`: -1
 *   in HYP), as does every check on C's own register write (asid-register, no-guest-under-host-vmid),
 *   so a world switch's writes of them, which run in Hyp mode with interrupts masked, change no other
 *   core's check: they are taken too, unless they change the mode.
 * - A DSB with none of C's broadcast maintenance outstanding waits for nothing and changes nothing
 *   under sc; only C's own TLBIs make it wait, and with C's interrupts masked no handler on C can
 *   issue one first.
 * - C2, invisibility: no invariant reads these registers in a way that changes its verdict (above;
 *   each invariant's `check`: src/invariants/), and an ISB or such a DSB under the sc memory model
 *   changes nothing. An invariant is checked after the events its `on` list names, every event that
 *   can break it (invariant.ts), so a violation another core's step causes is caught at that step in
 *   either order.
 * - C3, the cycle proviso: stateful search's states include each core's program trace, a history
 *   between loop heads, and script positions only advance, so no execution returns to a state it left:
 *   the state graph is acyclic and the proviso holds trivially.
 * - The preemption bound: the step is taken only when its core ran last, so taking it first costs no
 *   preemption, and a schedule that ran another item first needed one to do so; moving the step ahead
 *   never adds a preemption to a schedule.
 * Under the armv8 memory model barriers and register writes interact with store buffers kept outside
 * the machine state, which is why stateful search does not run there at all (program-trace.ts,
 * canTrace).
 */
import type { Registers } from "../../cores/registers.js";
import type { Op } from "../engine/ops.js";

/** Registers only the core's own later steps read (and, but for these, its speculative walker). */
const PRIVATE: ReadonlySet<string> = new Set(["cntvoff", "cntvCval", "cntvCtl", "hcr"]);
/** Read by the translation walker, which a speculative walk runs beside the core's own steps. */
const WALKER: ReadonlySet<string> = new Set(["ttbr1", "ttbcrSplit", "vectorsHigh"]);
/** Compared across cores (`running:C`), but not while the core is in Hyp mode; the walker reads them too. */
const RUNNING: ReadonlySet<string> = new Set(["asid", "ttbr0", "vttbr", "vmid", "stage2"]);

export function isLocalStep(op: Op, core: { regs: Registers; tlbiAcksOutstanding: number }, speculativeWalks: boolean): boolean {
  if (op.k === "isb") return true;
  const regs = core.regs;
  if (regs.irqOn) return false;
  if (op.k === "dsb") return core.tlbiAcksOutstanding === 0;
  if (op.k === "note") return op.ev.type === "hyp.save";
  if (op.k !== "reg") return false;
  for (const r in op.regs) {
    if (PRIVATE.has(r) || (r === "irqOn" && op.regs.irqOn === true)) continue;
    if (speculativeWalks) return false;
    if (WALKER.has(r) || (RUNNING.has(r) && regs.mode === "HYP")) continue;
    return false;
  }
  return true;
}
