/**
 * Broadcast TLB maintenance whose completion lags (machine.tlbi.lateCompletion, off by default). The
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
import type { Bus } from "../../bus/bus.js";
import type { BusMessage, TlbiMessage } from "../../bus/messages.js";
import { tlbiCount } from "../../cores/tlb.js";
import { ackFor } from "./exec.js";
import type { Machine } from "./machine.js";

/** Whether the TLBI `got` completes late (a recorded choice); if so, records its early ack. */
export function lateChoice(m: Machine, got: TlbiMessage): boolean {
  if (m.choose(got.to, "program", 2, (i) => (i === 1 ? `TLBI #${got.id} on core ${got.to} completes late` : `TLBI #${got.id} completes now`)) !== 1) return false;
  const ack = ackFor(m, got.to, got.from, got.id, "tlbi");
  const late: TlbiMessage = { id: ack.id + 1, from: got.from, to: got.to, sentAt: m.now, deliverAt: m.now, kind: "tlbi", op: got.op, vmid: got.vmid, late: true };
  m.record({ seq: m.state.seq, t: m.now, core: got.to, type: "bus.deliver", msg: got, removed: 0, ack, late });
  return true;
}

/** Before `got` is taken: every lagging TLBI of its receiver completes (one event each). */
export function completeLate(m: Machine, bus: Bus, got: BusMessage, taken: (l: TlbiMessage) => void = () => {}): void {
  const inflight = m.state.inflight;
  for (const id in inflight) {
    const l = inflight[id]!;
    if (l.kind !== "tlbi" || !l.late || l.to !== got.to || l.id === got.id) continue;
    bus.deliver(l);
    bus.take(l.to);
    taken(l);
    const removed = tlbiCount(m.state.cores[l.to]!.tlb, l.op, l.vmid);
    m.record({ seq: m.state.seq, t: m.now, core: l.to, type: "bus.deliver", msg: l, removed, ack: null });
  }
}
