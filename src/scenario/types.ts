/**
 * A scenario, resolved: every default filled in, addresses as numbers. This is what the log header
 * records, so a log replays against exactly the configuration that produced it.
 */
import type { Latencies } from "../../bus/messages.js";
import type { Costs } from "../../cores/costs.js";
import type { TlbPolicy } from "../../cores/tlb.js";

export type Shootdown = "broadcast" | "local" | "ipi";

/** What a task does, one entry at a time. */
export type WorkloadOp =
  | { op: "read" | "write"; va: number }
  | { op: "yield" }
  | { op: "map"; va: number; pa: number; global: boolean; writable: boolean }
  | { op: "unmap"; va: number; shootdown: Shootdown }
  | { op: "repeat"; times: number; body: WorkloadOp[] }
  | { op: "exit" };

export interface TaskSpec {
  id: string;
  /** The address space; threads share one. Its page table has the mm's name. */
  mm: string;
  /** Cores the task may run on (all when empty). */
  cores: number[];
  script: WorkloadOp[];
}

export interface PteSpec {
  pa: number;
  global: boolean;
  writable: boolean;
}

export type SwitchSequence = "ttbr-then-asid" | "asid-then-ttbr" | "reserved-asid" | "reserved-ttbr0" | "atomic";

export interface KernelConfig {
  /** ASID allocator by name ("static", "linux-2.6.36", ...), or a module path for a user's own. */
  asidAllocator: string;
  /** ASID width in bits: 8 for short descriptors, 16 for arm64; 2 or 3 makes roll-over frequent. */
  asidBits: number;
  /** Order of the TTBR0 and ASID writes in switch_mm. */
  switchSequence: SwitchSequence;
  /** Skip switch_mm when the next task has the mm already loaded (prev == next). */
  lazyTlb: boolean;
  /** "any": the scheduler may pick any ready task (a recorded choice); "round-robin": the one that has
   *  waited longest (deterministic, fewer schedules to explore). */
  scheduler: "any" | "round-robin";
}

export interface MachineConfig {
  cores: number;
  tlbEntries: number;
  tlbPolicy: TlbPolicy;
  /** First VA translated through TTBR1 (the kernel's half). */
  pageOffset: number;
  costs: Costs;
  latencies: Latencies;
  speculation: { enabled: boolean; rate: number; vas: number[] };
  maxEvents: number;
}

export interface Scenario {
  id: string;
  description: string;
  /** What a clean run means for this scenario: "clean", or "violation" when it exists to show a bug. */
  expect: "clean" | "violation";
  machine: MachineConfig;
  /** Page tables by id: the kernel's (TTBR1) and one per mm. Keys are VAs. */
  tables: Record<string, Record<number, PteSpec>>;
  kernelTable: string;
  kernel: KernelConfig;
  tasks: TaskSpec[];
  schedule: {
    strategy: "random" | "fifo";
    seed: number;
    /**
     * The random strategy picks among work ready within this many cycles of the earliest ready item,
     * so latencies shape schedules as on hardware; null ignores virtual time (any order at all).
     */
    windowCycles: number | null;
  };
}
