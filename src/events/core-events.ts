import type { RegName, RegValue } from "../../cores/registers.js";
import type { Wait } from "../../cores/core-state.js";
import type { EventBase } from "./base.js";

export interface RegWriteEvent extends EventBase {
  type: "reg.write";
  /** One write may set several registers at once (LPAE/arm64 TTBR with its ASID field). */
  regs: Partial<Record<RegName, RegValue>>;
}

export interface BarrierEvent extends EventBase {
  type: "barrier";
  /** dmb, dmb.ld, dmb.st: smp_mb, smp_rmb, smp_wmb (DMB ISH, ISHLD, ISHST); logged only under the armv8 memory model. */
  kind: "isb" | "dsb" | "dmb" | "dmb.ld" | "dmb.st";
  /** Under armv8, a DSB or ISB: it completes this core's page-table stores for walkers (src/memory/pte-visibility.ts). */
  ptw?: boolean;
}

/** The core cannot go on until a lock is free, acks arrive, or a task becomes ready. */
export interface WaitEvent extends EventBase {
  type: "core.wait";
  wait: Wait;
}

/** The core's program has finished: no task is left for it. */
export interface DoneEvent extends EventBase {
  type: "core.done";
}

export type CoreEvent = RegWriteEvent | BarrierEvent | WaitEvent | DoneEvent;
