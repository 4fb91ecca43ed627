/** What the engine offers the code that carries out operations: the live state and event emission. */
import type { Latencies } from "../../bus/messages.js";
import type { TlbPolicy } from "../../cores/tlb.js";
import type { EventBody, SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import type { ArmMemory } from "../memory/views.js";
import type { ChoiceKind } from "./chooser.js";
import type { RunQueues } from "./run-queues.js";

export interface EngineOptions {
  cores: number;
  /** First VA translated through TTBR1. */
  pageOffset: number;
  tlbEntries: number;
  tlbPolicy: TlbPolicy;
  /** Ways per set of a set-associative TLB (cores/tlb-sets.ts); absent: fully associative. */
  tlbWays?: number;
  latencies: Latencies;
  speculation: {
    enabled: boolean;
    /** Chance that the random strategy takes a possible speculative walk instead of a step. */
    rate: number;
    /** VAs the hardware may walk speculatively (the ones the workloads touch). */
    vas: number[];
  };
  /**
   * An inner-shareable TLBI may be acked (so the issuer's DSB completes) before it is carried out on the
   * receiver: a recorded choice at each delivery (machine.tlbi.lateCompletion; Cortex-A15 erratum 798181).
   */
  lateTlbi?: boolean;
  /** "armv8": shared variables are ARMv8 memory (src/memory/views.ts); "sc" (absent): one value each. */
  memoryModel?: "sc" | "armv8";
  /** Under armv8: 32-bit ARM's spinlocks, with a full DMB after lock and before unlock (src/memory/views.ts). */
  fencedLocks?: boolean;
  /** Some cores share a TLB (machine.sharedTlb; the state's `tlbSiblings` says which). */
  sharedTlb?: boolean;
  /** The run stops (not an error) after this many events. */
  maxEvents: number;
  /** Write what each choice picked into its event (logs); exploration turns it off for speed. */
  describeChoices?: boolean;
}

export interface Machine {
  readonly state: MachineState;
  /** The ARMv8 memory model's views and write history; null under sc. */
  readonly mem: ArmMemory | null;
  readonly opts: EngineOptions;
  /** Current virtual time. */
  readonly now: number;
  emit(core: number, body: EventBody): void;
  /**
   * `emit` for an event already stamped with `seq: state.seq`, `t: now` and its core, in that key
   * order (the log's): the hot paths build their events whole instead of spreading a body.
   */
  record(ev: SimEvent): void;
  choose(core: number, kind: ChoiceKind, of: number, what: (i: number) => string): number;
  /** The ready tasks per affinity list, kept as tasks change (absent: a pick looks at every task). */
  readonly runQueues?: RunQueues;
}
