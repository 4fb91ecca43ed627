/**
 * Messages that travel between cores. IPIs carry a payload kind that names the handler the receiver
 * runs (arch/arm/kernel/smp.c: IPI_CALL_FUNC for smp_call_function, IPI_RESCHEDULE, ...); broadcast TLB
 * maintenance (the ...IS operations, ARM ARM B4.2.2) is carried out by the receiving core's hardware
 * without an interrupt; every message except an ack is answered by an ack to its sender.
 */
import type { Tlbi } from "../cores/tlb.js";

interface Envelope {
  id: number;
  from: number;
  to: number;
  /** Virtual time at which it was sent and the earliest at which it can arrive. */
  sentAt: number;
  deliverAt: number;
}

export interface IpiMessage extends Envelope {
  kind: "ipi";
  /** Handler name, e.g. "reset-context" (arch/arm/mm/context.c) or "flush-tlb-page". */
  ipi: string;
  arg: number;
}

export interface TlbiMessage extends Envelope {
  kind: "tlbi";
  op: Tlbi;
  /** VMID of the sender at the time of the broadcast: an IS op acts on that VMID on every core. */
  vmid: number;
  /**
   * A broadcast the receiver acked before carrying it out (machine.tlbi.lateCompletion): this message
   * is its completion, addressed to the receiver itself; taking it invalidates and acks nothing.
   */
  late?: true;
}

export interface AckMessage extends Envelope {
  kind: "ack";
  of: number;
  for: "ipi" | "tlbi";
}

export type BusMessage = IpiMessage | TlbiMessage | AckMessage;
export type MessageKind = BusMessage["kind"];

/** Virtual-time latency of each kind of message, in cycles. */
export interface Latencies {
  /** IPI from send to the receiver taking the interrupt. Default 100. */
  ipiTicks: number;
  /** Broadcast TLB maintenance reaching another core. Default 20. */
  tlbiTicks: number;
  /** Ack back to the sender. Default 20. */
  ackTicks: number;
}

export const defaultLatencies: Latencies = { ipiTicks: 100, tlbiTicks: 20, ackTicks: 20 };

export function latencyOf(l: Latencies, kind: MessageKind): number {
  return kind === "ipi" ? l.ipiTicks : kind === "tlbi" ? l.tlbiTicks : l.ackTicks;
}
