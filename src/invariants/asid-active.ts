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
      // Per TLB: siblings sharing one (machine.sharedTlb) must differ whatever the generations, since
      // a roll-over's per-CPU local flush does not keep a lagging sibling's old-generation fills out of
      // the TLB the other uses (ARM ARM DDI 0487 D5.10.3, CnP: entries are shared by ASID and VMID).
      const shared = s.tlbSiblings?.[ev.core]?.includes(other.id) === true;
      if (shared && o.asid === mine.asid) {
        return (
          `core ${ev.core} switched mm ${mine.mm} to ASID ${ga(mine.generation, mine.asid)} while core ${other.id}, ` +
          `which shares its TLB, runs mm ${o.mm} under ASID ${ga(o.generation, o.asid)}: one TLB cannot tell their entries apart`
        );
      }
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

/** Reports each DPOR object a check evaluates (as it evaluates it), or nothing when only checking. */
type Read = (name: string) => void;
const NO_READ: Read = () => {};

/**
 * Whether core `c` is running mm `ctx.mm` with its switch finished, as the TLA+ model's
 * SameASIDActiveTask requires (`pc[c] = "sched_loop"`): its TTBR0 and CONTEXTIDR hold what the kernel last
 * switched it to (a core between the first and the last register write of a switch does not: the
 * context is noted before the writes), so the mm it runs is ctx.mm (a lazy kernel thread's too), it is not in an
 * interrupt handler and no IPI is on its way to it (a 2.6.36 roll-over switches every CPU's mm to a new
 * ASID from the initiator, through reset_context: a CPU it has not reached yet is in the middle of that
 * switch), and it is not running a guest. `read` is told each object as it is looked at: `ctx:C` the
 * context, `running:C` CONTEXTIDR, TTBR0, the mode, the IRQ depth and guest entry/exit (written by that
 * core's register writes of those, IPIs taken and handled, entries and exits), `done:C` the core's end,
 * `ipi:C:F` an IPI from core F on its way to C. Split in two: what the core's own state says, then the bus.
 */
function settledOutsideBus(s: MachineState, c: number, read: Read): boolean {
  const core = s.cores[c]!;
  read(`ctx:${c}`);
  read(`running:${c}`);
  read(`done:${c}`);
  const ctx = core.ctx;
  if (!ctx || core.done || core.inIrq > 0 || core.regs.mode === "HYP") return false;
  if (core.regs.asid !== ctx.asid || core.regs.ttbr0 !== ctx.mm) return false;
  return !s.hyp?.cores[c]!.inGuest;
}

/** The rest of `settled`: whether an IPI is on its way to core `c` (its absence is read too: a send would change it). */
function ipiInFlightTo(s: MachineState, c: number, read: Read): boolean {
  for (let f = 0; f < s.cores.length; f++) read(`ipi:${c}:${f}`);
  for (const m of s.inflight) {
    if (m.kind === "ipi" && m.to === c) return true;
  }
  return false;
}

/**
 * The first core running the same mm as core `x` under another hardware ASID, both settled, or -1.
 * Only pairs with `x` are compared: the check runs after each event that can change a core's running
 * ASID or whether it is settled, and such an event is the event of that core (or a delivery to it), so
 * a pair that starts to differ does so at an event of one of its two cores, whose check sees it.
 * `read` gets exactly what is looked at, so DPOR's dependence is what this check depended on: the other
 * cores' registers only when one runs the same mm and `x` is settled, the bus only when two such cores
 * disagree (so a 64-core machine with shootdowns does not scan its messages at every register write).
 */
function otherAsidOfSameMm(s: MachineState, x: number, read: Read): number {
  if (!settledOutsideBus(s, x, read)) return -1;
  const mine = s.cores[x]!;
  let xOffBus = false;
  for (let b = 0; b < s.cores.length; b++) {
    if (b === x) continue;
    read(`ctx:${b}`);
    const cb = s.cores[b]!.ctx;
    if (!cb || cb.mm !== mine.ctx!.mm || !settledOutsideBus(s, b, read)) continue;
    if (s.cores[b]!.regs.asid === mine.regs.asid) continue;
    if (!xOffBus) {
      if (ipiInFlightTo(s, x, read)) return -1;
      xOffBus = true;
    }
    if (!ipiInFlightTo(s, b, read)) return b;
  }
  return -1;
}

/**
 * SameASIDActiveTask (asidalloc.tla): every core running a thread of one mm, outside the switching code,
 * uses the same hardware ASID, whatever generation each core believes it is in. Checked whenever an ASID
 * or a core's running state can change, against the core whose state changed.
 */
export const sameAsidThreads: Invariant = {
  name: "same-asid-threads",
  on: ["asid.assign", "reg.write", "ipi.done", "bus.deliver", "hyp.exit"],
  reads: (ev, t, s) => {
    if (changesRunningAsid(ev)) otherAsidOfSameMm(s, ev.core, (n) => t.read(n));
  },
  check(s: MachineState, ev: SimEvent): string | null {
    if (!changesRunningAsid(ev)) return null;
    const x = ev.core;
    const b = otherAsidOfSameMm(s, x, NO_READ);
    if (b < 0) return null;
    const [a, z] = x < b ? [x, b] : [b, x];
    const ca = s.cores[a]!.ctx!;
    const cb = s.cores[z]!.ctx!;
    return (
      `threads of mm ${ca.mm} run under two hardware ASIDs: ${ca.generation}:${ca.asid} on core ${a} and ` +
      `${cb.generation}:${cb.asid} on core ${z} (generation:ASID), neither of them switching: the mm's ` +
      `translations live under two tags, and the allocator may hand one of them to another mm`
    );
  },
};

/**
 * The events after which a core's running ASID or whether it is settled can change: a new context, a
 * write of CONTEXTIDR, TTBR0 or the mode, an IPI taken (the handler runs) or returning, a guest exit.
 */
function changesRunningAsid(ev: SimEvent): boolean {
  switch (ev.type) {
    case "asid.assign":
    case "ipi.done":
    case "hyp.exit":
      return true;
    case "reg.write":
      return ev.regs.asid !== undefined || ev.regs.ttbr0 !== undefined || ev.regs.mode !== undefined;
    case "bus.deliver":
      return ev.msg.kind === "ipi";
    default:
      return false;
  }
}
