import type { EventBase } from "./base.js";

/** Kernel shared variables (cpu_last_asid, asid_generation, active_asids[2], mm.A.context, ...). */
export interface VarEvent extends EventBase {
  type: "var.read" | "var.write" | "var.xchg" | "var.cmpxchg";
  name: string;
  /** Value before the operation. */
  old: number;
  /** Value after it (equals `old` for a read or a failed cmpxchg). */
  value: number;
  /**
   * Under machine.memoryModel "armv8" (src/memory/views.ts), absent under "sc". A read: the `seq` of
   * the write it read from (-1: the value at boot; `old` is then the value read, which may be older than
   * the variable's newest).
   */
  from?: number;
  /** A read that did not see the newest write of its variable: that write's `seq`. */
  newest?: number;
  /** A write (or a successful read-modify-write): its position in the global order of writes. */
  co?: number;
  /** A plain write that went to its core's store buffer: other cores can read it from its `var.propagate` on. */
  buffered?: boolean;
}

/** Under armv8: a buffered write (event `of`) reaches memory, at place `co` of the global order. */
export interface PropagateEvent extends EventBase {
  type: "var.propagate";
  name: string;
  value: number;
  of: number;
  co: number;
}

export interface LockEvent extends EventBase {
  type: "lock.acquire" | "lock.release";
  name: string;
}

export type MemoryEvent = VarEvent | LockEvent | PropagateEvent;
