import type { BusMessage, IpiMessage, TlbiMessage } from "../../bus/messages.js";
import type { EventBase } from "./base.js";

/** IPIs sent (smp_call_function and friends); `wait` when the sender waits for every ack. */
export interface IpiSendEvent extends EventBase {
  type: "ipi.send";
  msgs: IpiMessage[];
  wait: boolean;
}

/** A message arrived at `core` and was taken: an IPI starts its handler, a TLBI is carried out. */
export interface DeliverEvent extends EventBase {
  type: "bus.deliver";
  msg: BusMessage;
  /** For a TLBI: entries it removed on this core. */
  removed: number;
  /** The ack a TLBI answers with at once (IPIs ack when their handler returns). */
  ack: BusMessage | null;
  /**
   * machine.tlbi.lateCompletion: the TLBI was acked but not carried out; this message (to the receiver
   * itself) completes it later. Absent otherwise.
   */
  late?: TlbiMessage;
}

/** An IPI handler returned; its ack goes back to the sender. */
export interface IpiDoneEvent extends EventBase {
  type: "ipi.done";
  of: number;
  ack: BusMessage;
}

/** Every ack a waiting sender expected has arrived: smp_call_function(..., wait=1) returns. */
export interface IpiAckedEvent extends EventBase {
  type: "ipi.acked";
  count: number;
}

export type BusEvent = IpiSendEvent | DeliverEvent | IpiDoneEvent | IpiAckedEvent;
