/**
 * "Why does core N translate this VA like that?": the TLB entry the core would use for the VA now
 * (matched with its current ASID and VMID, as the hardware does), the event that filled it and the walk
 * behind it, the registers at that instant, and what a fresh walk of the current tables would give, so a
 * stale entry stands out.
 */
import type { CoreState } from "../../cores/core-state.js";
import { vpnOf } from "../../cores/page-table.js";
import type { Registers } from "../../cores/registers.js";
import { lookup, type TlbEntry } from "../../cores/tlb.js";
import { stage1Base, walk, type WalkResult } from "../../cores/walk.js";
import type { EventOf } from "../events/index.js";
import type { EventList } from "../log/event-list.js";
import type { MachineState } from "../state/machine-state.js";

export interface FillOrigin {
  /** The event that filled the entry (a `tlb.fill`; speculative when `spec`). */
  event: EventOf<"tlb.fill">;
  /** The core's registers, context and task at that instant (the state just before the fill). */
  regs: Registers;
  ctx: CoreState["ctx"];
  task: string;
  /** Which translation table base register the walk started from. */
  via: "TTBR0" | "TTBR1";
}

export interface Provenance {
  /** Events applied when asked. */
  at: number;
  core: number;
  va: number;
  /** The tags the lookup used: the core's current CONTEXTIDR.ASID and VMID. */
  asid: number;
  vmid: number;
  slot: number;
  entry: TlbEntry | null;
  /** Null when there is no entry, or (a log that does not start at boot) when its fill is not in the log. */
  origin: FillOrigin | null;
  /** What a walk with the current registers and tables gives: the entry is stale when it differs. */
  walkNow: WalkResult;
  /** The entry's translation differs from a fresh walk (other PA, gone, or other permissions). */
  stale: boolean;
}

export class ProvenanceError extends Error {
  readonly _tag = "UsageError";
}

/**
 * `now` is the state after `at` events, `stateAt(n)` gives the state after n events (for the registers
 * at the fill), `events` the log.
 */
export function provenance(
  now: MachineState,
  core: number,
  va: number,
  events: EventList,
  stateAt: (n: number) => MachineState,
): Provenance {
  const c = now.cores[core];
  if (!c) throw new ProvenanceError(`no core ${core} (the machine has cores 0 to ${now.cores.length - 1})`);
  const vpn = vpnOf(va);
  const slot = lookup(c.tlb, vpn, c.regs.asid, c.regs.vmid);
  const entry = slot >= 0 ? c.tlb[slot]! : null;
  const pageOffsetVpn = vpnOf(now.pageOffset);
  const walkNow = walk(now.tables, c.regs, vpn, pageOffsetVpn);
  let origin: FillOrigin | null = null;
  if (entry) {
    const ev = events.at(entry.filledAt);
    if (ev && ev.type === "tlb.fill") {
      // The filling core's registers: on a shared TLB (machine.sharedTlb) that may be a sibling.
      const then = stateAt(entry.filledAt).cores[ev.core]!;
      // The walker's own rule with the registers of that instant: TTBR1 only where TTBCR splits.
      const via = stage1Base(then.regs, vpn, pageOffsetVpn);
      origin = { event: ev, regs: { ...then.regs }, ctx: then.ctx && { ...then.ctx }, task: then.task, via };
    }
  }
  const stale =
    entry !== null && (walkNow.pte === null || walkNow.pte.pa !== entry.pa || walkNow.pte.writable !== entry.writable);
  return { at: now.seq, core, va, asid: c.regs.asid, vmid: c.regs.vmid, slot, entry, origin, walkNow, stale };
}
