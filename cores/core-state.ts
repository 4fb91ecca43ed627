/** One core's architectural state: registers, TLB, counters, and what it is waiting for. */
import { zeroCounters, type Counters } from "./counters.js";
import { initialRegisters, type Registers } from "./registers.js";
import type { TlbEntry } from "./tlb.js";
import type { WalkCacheEntry } from "./walk-cache.js";

export type Wait =
  { on: "lock"; name: string } | { on: "acks"; outstanding: number } | { on: "dsb"; outstanding: number } | { on: "idle" };

export interface CoreState {
  id: number;
  regs: Registers;
  tlb: TlbEntry[];
  counters: Counters;
  /** Task running on the core (kernel bookkeeping the debugger shows), or "" when idle. */
  task: string;
  /** Bus messages this core sent that are not acked yet: IPIs waited on, broadcast TLBIs a DSB waits on. */
  ipiAcksOutstanding: number;
  /** IPIs sent with wait since the last time the core finished waiting (what `ipi.acked` reports). */
  ipiAcksAwaited: number;
  tlbiAcksOutstanding: number;
  /** Depth of interrupt handlers running on the core. */
  inIrq: number;
  wait: Wait | null;
  done: boolean;
  /** The context (mm, generation, ASID) the kernel last switched this core to; null before the first. */
  ctx: { mm: string; generation: number; asid: number } | null;
  /** The newest ASID generation this core has run under. */
  maxGeneration: number;
  /** Its walk cache (machine.walkCache, cores/walk-cache.ts); absent when the machine has none. */
  walkCache?: WalkCacheEntry[];
}

export function initialCore(id: number, kernelTable: string, ttbcrSplit = true): CoreState {
  return {
    id,
    regs: initialRegisters(kernelTable, ttbcrSplit),
    tlb: [],
    counters: zeroCounters(),
    task: "",
    ipiAcksOutstanding: 0,
    ipiAcksAwaited: 0,
    tlbiAcksOutstanding: 0,
    inIrq: 0,
    wait: null,
    done: false,
    ctx: null,
    maxGeneration: 0,
  };
}
