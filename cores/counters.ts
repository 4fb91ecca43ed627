/** Per-core counters for the cost model. */
export interface Counters {
  accesses: number;
  hits: number;
  misses: number;
  faults: number;
  walks: number;
  walkSteps: number;
  specWalks: number;
  /** TLB maintenance operations performed on this core (local, or received from a broadcast). */
  flushes: number;
  /** Of those, whole-TLB flushes (all entries of the VMID, or of every VMID). */
  fullFlushes: number;
  /** Entries removed by maintenance. */
  entriesFlushed: number;
  ipiSent: number;
  ipiReceived: number;
  switches: number;
  worldSwitches: number;
  /** ASID roll-overs this core started. */
  rollovers: number;
  /** Roll-overs this core has seen: switches into a newer ASID generation than it ran before. */
  rolloversSeen: number;
  /** VMID roll-overs this core started. */
  vmidRollovers: number;
  /** Modelled cycles, from the scenario's cost table. */
  cycles: number;
}

export function zeroCounters(): Counters {
  return {
    accesses: 0,
    hits: 0,
    misses: 0,
    faults: 0,
    walks: 0,
    walkSteps: 0,
    specWalks: 0,
    flushes: 0,
    fullFlushes: 0,
    entriesFlushed: 0,
    ipiSent: 0,
    ipiReceived: 0,
    switches: 0,
    worldSwitches: 0,
    rollovers: 0,
    rolloversSeen: 0,
    vmidRollovers: 0,
    cycles: 0,
  };
}
