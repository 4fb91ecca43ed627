/**
 * A core as an actor on the bus: it observes the messages addressed to it and does what the receiving
 * core does with each. It changes no state itself: what it does is recorded, through its port, as a
 * `bus.deliver` event that the reducer applies (src/state/apply.ts: the TLBI through cores/tlb.ts's
 * applyTlbi), so a run stays a fold of its log and replay needs no actor. Its ack goes over the bus as
 * a message in flight, delivered when the engine picks it. The port is the machine it runs in (the
 * engine implements it: src/engine/core-port.ts); bus/ imports nothing from src/.
 *
 * Broadcast TLB maintenance may complete late (machine.tlbi.lateCompletion, off by default). The
 * architecture says a DSB after a TLBI ...IS completes only when the invalidation is complete on every
 * core of the shareability domain (ARM ARM DDI 0487, D5.10.2 "TLB maintenance instructions" and B2.3.12
 * on DSB); Cortex-A15 erratum 798181 (ARM SDEN, "TLBI/DSB operation sequences might not ensure completion
 * of the TLB maintenance operation") breaks that: the issuer's DSB may complete while another core can
 * still use the entry. With the knob on, each delivery of a broadcast TLBI is a recorded choice: carried
 * out now, or acked now (so the issuer's DSB completes) and carried out later, when a message to the
 * receiver itself completes it (its delivery is a choice like any message's). A lagging TLBI completes
 * at the latest when the receiver takes any other message: an IPI is an exception entry there, and a
 * later broadcast TLBI is ordered after it; that is why Linux's workarounds work: a dummy TLBIMVAIS + DSB
 * then an IPI to the CPUs running the mm (arch/arm/kernel/smp_tlb.c v3.11, erratum_a15_798181,
 * broadcast_tlb_a15_erratum; arm64's ARM64_WORKAROUND_REPEAT_TLBI repeats the TLBI and the DSB).
 */
import { tlbiCount, type TlbEntry } from "../cores/tlb.js";
import type { Bus } from "./bus.js";
import type { AckMessage, BusMessage, IpiMessage, TlbiMessage } from "./messages.js";

/** What a core's actor needs from the machine it runs in. */
export interface CorePort {
  /** Current virtual time. */
  readonly now: number;
  /** Broadcast TLBIs may complete late (machine.tlbi.lateCompletion). */
  readonly lateTlbi: boolean;
  /** Core c's TLB as it is now. */
  tlb(c: number): readonly TlbEntry[];
  /** A new ack from core `from` to core `to` for message `of` (its id: the machine's next message id). */
  ack(from: number, to: number, of: number, kind: "ipi" | "tlbi"): AckMessage;
  /** A choice the machine records, about core c, among `of` options described by `what`. */
  choose(c: number, of: number, what: (i: number) => string): number;
  /** Core c's lagging TLBIs (late completions in flight) other than message `except`, oldest first. */
  lagging(c: number, except: number): TlbiMessage[];
  /** Records that the receiver took `m`: entries its TLBI removes, the ack it sends, a late completion it queues. */
  took(m: BusMessage, removed: number, ack: AckMessage | null, late?: TlbiMessage): void;
  /** A lagging TLBI completed without a delivery of its own: it is no longer in flight. */
  completed(l: TlbiMessage): void;
  /** The memory model sees core c take message `id` (under armv8 an IPI or ack orders memory). */
  received(c: number, id: number): void;
  /** Core c takes the IPI: its handler runs next (kernel/smp.c, handle_IPI). */
  interrupted(c: number, m: IpiMessage): void;
}

export class CoreActor {
  constructor(
    readonly core: number,
    bus: Bus,
    private readonly port: CorePort,
  ) {
    bus.receive(core, (m) => this.take(m));
  }

  private take(got: BusMessage): void {
    const port = this.port;
    if (port.lateTlbi) {
      if (got.kind === "tlbi" && !got.late && this.completesLate(got)) return;
      // Before it takes a message, every lagging TLBI of this core completes (one event each).
      for (const l of port.lagging(this.core, got.id)) {
        port.completed(l);
        port.took(l, tlbiCount(port.tlb(this.core), l.op, l.vmid), null);
      }
    }
    if (got.kind !== "tlbi") port.received(this.core, got.id);
    if (got.kind === "ipi") {
      port.took(got, 0, null);
      port.interrupted(this.core, got);
    } else if (got.kind === "tlbi") {
      const removed = tlbiCount(port.tlb(this.core), got.op, got.vmid);
      port.took(got, removed, got.late ? null : port.ack(this.core, got.from, got.id, "tlbi"));
    } else port.took(got, 0, null);
  }

  /** Whether the TLBI `got` completes late (a recorded choice); if so, records its early ack. */
  private completesLate(got: TlbiMessage): boolean {
    const port = this.port;
    const pick = port.choose(this.core, 2, (i) =>
      i === 1 ? `TLBI #${got.id} on core ${got.to} completes late` : `TLBI #${got.id} completes now`,
    );
    if (pick !== 1) return false;
    const ack = port.ack(this.core, got.from, got.id, "tlbi");
    const now = port.now;
    const late: TlbiMessage = {
      id: ack.id + 1,
      from: got.from,
      to: got.to,
      sentAt: now,
      deliverAt: now,
      kind: "tlbi",
      op: got.op,
      vmid: got.vmid,
      late: true,
    };
    port.took(got, 0, ack, late);
    return true;
  }
}
