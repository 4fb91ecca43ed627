import type { EventBase } from "./base.js";

/** Kernel shared variables (cpu_last_asid, asid_generation, active_asids[2], mm.A.context, ...). */
export interface VarEvent extends EventBase {
  type: "var.read" | "var.write" | "var.xchg" | "var.cmpxchg";
  name: string;
  /** Value before the operation. */
  old: number;
  /** Value after it (equals `old` for a read or a failed cmpxchg). */
  value: number;
}

export interface LockEvent extends EventBase {
  type: "lock.acquire" | "lock.release";
  name: string;
}

export type MemoryEvent = VarEvent | LockEvent;
