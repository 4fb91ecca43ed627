/**
 * ASID invariants over the contexts cores run under, after Catalin Marinas's TLA+ model of the arm64
 * allocator (cmarinas/kernel-tla, asidalloc.tla): UniqueASIDActiveTask (two different mms active on
 * CPUs never share an ASID of one generation) and SameASIDActiveTask (threads of one mm active at once,
 * outside the switching code, use one hardware ASID). Contexts change only at `asid.assign`, so that is
 * when the first is checked.
 */
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import type { Invariant } from "./invariant.js";

const ga = (g: number, a: number): string => `${g}:${a}`;

export const uniqueAsidActive: Invariant = {
  name: "unique-asid-active",
  on: ["asid.assign"],
  // Every core's running context.
  reads: (_ev, t) => t.read("ctx"),
  check(s: MachineState, ev: SimEvent): string | null {
    if (ev.type !== "asid.assign") return null;
    const mine = s.cores[ev.core]!.ctx!;
    for (const other of s.cores) {
      const o = other.ctx;
      if (other.id === ev.core || !o || o.mm === mine.mm) continue;
      if (o.generation === mine.generation && o.asid === mine.asid) {
        return (
          `core ${ev.core} switched mm ${mine.mm} to ASID ${ga(mine.generation, mine.asid)} while core ${other.id} ` +
          `runs mm ${o.mm} under the same ASID of the same generation: their TLB entries are indistinguishable`
        );
      }
    }
    return null;
  },
};

/**
 * Whether core `c` is running mm `ctx.mm` with its switch finished, as the TLA+ model's
 * SameASIDActiveTask requires (`pc[c] = "sched_loop"`): its TTBR0 and CONTEXTIDR hold what the kernel last
 * switched it to (a core between the first and the last register write of a switch does not: the
 * context is noted before the writes), so the mm it runs is ctx.mm (a lazy kernel thread's too), it is not in an
 * interrupt handler and no IPI is on its way to it (a 2.6.36 roll-over switches every CPU's mm to a new
 * ASID from the initiator, through reset_context: a CPU it has not reached yet is in the middle of that
 * switch), and it is not running a guest.
 */
function settled(s: MachineState, c: number): boolean {
  return settledOutsideBus(s, c) && !ipiInFlightTo(s, c);
}

/** `settled` without the look at the bus (cheap: what a core's own state says). */
function settledOutsideBus(s: MachineState, c: number): boolean {
  const core = s.cores[c]!;
  const ctx = core.ctx;
  if (!ctx || core.done || core.inIrq > 0 || core.regs.mode === "HYP") return false;
  if (core.regs.asid !== ctx.asid || core.regs.ttbr0 !== ctx.mm) return false;
  if (s.hyp?.cores[c]!.inGuest) return false;
  return true;
}

function ipiInFlightTo(s: MachineState, c: number): boolean {
  for (const id in s.inflight) {
    const m = s.inflight[id]!;
    if (m.kind === "ipi" && m.to === c) return true;
  }
  return false;
}

/**
 * Whether two cores that look settled by their own state run one mm under different ASIDs: only then
 * can the check fail, so only then does it look at the bus (every message in flight) and at pairs. One
 * pass over the cores: at 64 cores with shootdowns the pairwise form with a bus scan per core cost more
 * than the rest of the run.
 */
const asidOf = new Map<string, number>();
function mayDisagree(s: MachineState): boolean {
  asidOf.clear();
  for (let c = 0; c < s.cores.length; c++) {
    const core = s.cores[c]!;
    if (!core.ctx || !settledOutsideBus(s, c)) continue;
    const a = asidOf.get(core.ctx.mm);
    if (a === undefined) asidOf.set(core.ctx.mm, core.regs.asid);
    else if (a !== core.regs.asid) return true;
  }
  return false;
}

/**
 * SameASIDActiveTask (asidalloc.tla): every core running a thread of one mm, outside the switching code,
 * uses the same hardware ASID, whatever generation each core believes it is in. Checked whenever an ASID
 * or a core's running state can change.
 */
export const sameAsidThreads: Invariant = {
  name: "same-asid-threads",
  on: ["asid.assign", "reg.write", "ipi.done", "bus.deliver"],
  // KNOWN GAP (README, "Exploration"): it also compares every core's CONTEXTIDR, TTBR0, mode and IRQ
  // depth, but declares only the running contexts to DPOR. Declaring each core's registers makes every
  // two cores' context switches dependent: unbounded DPOR on tlb-shootdown-munmap goes from 661
  // schedules to 23,135, and small roll-over models past 40,000. Until the check runs only where a
  // switch ends, DPOR may miss an interleaving that breaks only this register comparison (random, PCT
  // and DFS check it after every event that can change it).
  reads: (ev, t) => {
    if (ev.type === "asid.assign") t.read("ctx");
  },
  check(s: MachineState, ev: SimEvent): string | null {
    if (!changesRunningAsid(ev) || !mayDisagree(s)) return null;
    const n = s.cores.length;
    for (let a = 0; a < n; a++) {
      const ca = s.cores[a]!.ctx;
      if (!ca || !settled(s, a)) continue;
      for (let b = a + 1; b < n; b++) {
        const cb = s.cores[b]!.ctx;
        if (!cb || cb.mm !== ca.mm || !settled(s, b)) continue;
        if (s.cores[a]!.regs.asid === s.cores[b]!.regs.asid) continue;
        return (
          `threads of mm ${ca.mm} run under two hardware ASIDs: ${ca.generation}:${ca.asid} on core ${a} and ` +
          `${cb.generation}:${cb.asid} on core ${b} (generation:ASID), neither of them switching: the mm's ` +
          `translations live under two tags, and the allocator may hand one of them to another mm`
        );
      }
    }
    return null;
  },
};

/**
 * The events after which a core's running ASID or whether it is settled can change: a new context, a
 * write of CONTEXTIDR, TTBR0 or the mode, an IPI taken (the handler runs) or returning.
 */
function changesRunningAsid(ev: SimEvent): boolean {
  switch (ev.type) {
    case "asid.assign":
    case "ipi.done":
      return true;
    case "reg.write":
      return ev.regs.asid !== undefined || ev.regs.ttbr0 !== undefined || ev.regs.mode !== undefined;
    case "bus.deliver":
      return ev.msg.kind === "ipi";
    default:
      return false;
  }
}
