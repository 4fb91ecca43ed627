/**
 * Modelled cycle costs. Defaults are order-of-magnitude figures for a Cortex-A9/A15 class core:
 * an L1 TLB hit is folded into the access (1 cycle); each descriptor read of a walk that misses the
 * caches costs about an L2 hit (~20 cycles, Cortex-A9 TRM "L2 cache latency"); TLBIALL and a full
 * flush cost little themselves, the refills after them are what hurt, and those are counted as walks.
 */
export interface Costs {
  /** A memory access that hits in the TLB. Default 1. */
  accessCycles: number;
  /** One descriptor read during a table walk. Default 20. */
  walkStepCycles: number;
  /** A local TLB maintenance operation. Default 10. */
  tlbiCycles: number;
  /** A system register write. Default 2. */
  regWriteCycles: number;
  /** ISB or DSB. Default 10. */
  barrierCycles: number;
  /** A shared-variable access or lock operation (coherent L1/L2). Default 10. */
  atomicCycles: number;
  /** Taking an interrupt and returning from it (exception entry, GIC ack/EOI). Default 200. */
  irqCycles: number;
  /** Anything else a step program does (kernel bookkeeping). Default 5. */
  otherCycles: number;
  /**
   * Entering or leaving a guest, beyond the register and TLB work the world switch does step by step:
   * the exception entry and return and the general-purpose registers saved and restored. Default 200,
   * like an interrupt; both are charged once per direction.
   */
  trapCycles: number;
}

export const defaultCosts: Costs = {
  accessCycles: 1,
  walkStepCycles: 20,
  tlbiCycles: 10,
  regWriteCycles: 2,
  barrierCycles: 10,
  atomicCycles: 10,
  irqCycles: 200,
  otherCycles: 5,
  trapCycles: 200,
};
