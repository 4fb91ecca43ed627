/**
 * ASID invariants over the contexts cores run under, after Catalin Marinas's TLA+ model of the arm64
 * allocator (cmarinas/kernel-tla, asidalloc.tla): UniqueASIDActiveTask (two different mms active on
 * CPUs never share an ASID of one generation) and SameASIDActiveTask (threads of one mm active at once
 * use one ASID). Contexts change only at `asid.assign`, so that is when they are checked.
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

export const sameAsidThreads: Invariant = {
  name: "same-asid-threads",
  on: ["asid.assign"],
  // Every core's running context.
  reads: (_ev, t) => t.read("ctx"),
  check(s: MachineState, ev: SimEvent): string | null {
    if (ev.type !== "asid.assign") return null;
    const mine = s.cores[ev.core]!.ctx!;
    for (const other of s.cores) {
      const o = other.ctx;
      if (other.id === ev.core || !o || o.mm !== mine.mm || o.generation !== mine.generation) continue;
      if (o.asid !== mine.asid) {
        return (
          `threads of mm ${mine.mm} run under two ASIDs of generation ${mine.generation}: ` +
          `${mine.asid} on core ${ev.core} and ${o.asid} on core ${other.id}`
        );
      }
    }
    return null;
  },
};
