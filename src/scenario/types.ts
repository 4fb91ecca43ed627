/**
 * A scenario, resolved: every default filled in, addresses as numbers. This is what the log header
 * records, so a log replays against exactly the configuration that produced it.
 */
import type { Latencies } from "../../bus/messages.js";
import type { Costs } from "../../cores/costs.js";
import type { TlbPolicy } from "../../cores/tlb.js";
import type { WalkCacheConfig } from "../../cores/walk-cache.js";
import type { Arch } from "./arch.js";

/** `broadcast-no-dsb`: `broadcast` without the DSB between the PTE store and the TLBI (the TLBI may be
 *  issued before the store is complete: a bug under the armv8 memory model, harmless under sc). */
export type Shootdown = "broadcast" | "local" | "ipi" | "broadcast-no-dsb" | "broadcast-last-level";

/** How freeing a page-table page invalidates walk caches (src/kernel/free-table.ts). */
export type TableFlush = "pgtable" | "last-level";

/** What a task does, one entry at a time. */
export type WorkloadOp =
  | { op: "read" | "write"; va: number }
  | { op: "yield" }
  | { op: "map"; va: number; pa: number; global: boolean; writable: boolean }
  /** `pages` (only when given): unmap that many pages from `va`, flushed with flush_tlb_range. */
  | { op: "unmap"; va: number; shootdown: Shootdown; pages?: number }
  /** machine.walkCache: free the (emptied) page-table page of `va`'s 2 MB (free_pte_range). */
  | { op: "free-table"; va: number; flush: TableFlush }
  | { op: "repeat"; times: number; body: WorkloadOp[] }
  | { op: "exit" }
  /** Guest only: the guest kernel switches to another of its tasks (its own switch_mm). */
  | { op: "guest-switch"; task: string }
  /** Guest only: a trap to the hypervisor (hypercall, MMIO): world switch out, the host-side handler
   *  touches `host` VAs in the host's kernel, world switch back in. */
  | { op: "hvc"; host: number[] }
  /** Guest only: the host injects a virtual interrupt before the next entry. */
  | { op: "inject-irq" };

export interface TaskSpec {
  id: string;
  /** The address space; threads share one. Its page table has the mm's name. */
  mm: string;
  /** Cores the task may run on (all when empty). */
  cores: number[];
  script: WorkloadOp[];
  /** For a vCPU thread (the host task that runs a VM's vCPU): the VM's id; its script runs in the guest. */
  vcpu?: string;
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
  /**
   * What local_flush_tlb_all() reaches (arch/arm/include/asm/tlbflush.h, v2.6.36): TLBIALL on this core
   * on ARM11MPCore (v6wbi_tlb_flags: TLB_V6_U_FULL), the inner-shareable TLBIALLIS on an ARMv7 SMP kernel
   * (v7wbi_tlb_flags_smp: TLB_V7_UIS_FULL). Defaults from machine.arch.
   */
  flushAllScope: "local" | "inner-shareable";
  /** "any": the scheduler may pick any ready task (a recorded choice); "round-robin": the one that has
   *  waited longest (deterministic, fewer schedules to explore). */
  scheduler: "any" | "round-robin";
  /** A module path: the context switch's mm half, switch_mm and lazy TLB (src/kernel/modules.ts
   *  ContextSwitch). Absent: the built-in (src/kernel/switch-mm.ts). */
  switchMm?: string;
  /** A module path: the unmap sequence and its TLB maintenance (src/kernel/modules.ts TlbFlush).
   *  Absent: the built-in (src/kernel/munmap.ts). */
  tlbFlush?: string;
}

export interface MachineConfig {
  /** The modelled architecture (src/scenario/arch.ts): decides the stage-1 layout (TTBCR.N). */
  arch: Arch;
  cores: number;
  tlbEntries: number;
  tlbPolicy: TlbPolicy;
  /**
   * Ways per set: a set-associative TLB of tlbEntries / tlbWays sets (cores/tlb-sets.ts). Absent (the
   * default): fully associative, and absent from logs written before it.
   */
  tlbWays?: number;
  /** First VA of the kernel's half (translated through TTBR1 where the architecture splits). */
  pageOffset: number;
  costs: Costs;
  latencies: Latencies;
  speculation: { enabled: boolean; rate: number; vas: number[] };
  maxEvents: number;
  /** TLB maintenance knobs (bus/core-actor.ts); absent in logs written before them (= off). */
  tlbi?: { lateCompletion: boolean };
  /**
   * "sc": every shared variable and page-table entry is sequentially consistent (a store is seen by
   * every core at once). "armv8": the ARMv8-A model (other-multi-copy atomic, ARM ARM B2.3), as an
   * operational view machine (src/memory/views.ts): reads may see older writes, ordered by the
   * accesses' orderings and barriers. Default "sc".
   */
  memoryModel: MemoryModel;
  /** Groups of cores sharing one TLB (src/state/shared-tlb.ts); absent: every TLB private. */
  sharedTlb?: number[][];
  /** Walk caches and two-level tables (cores/walk-cache.ts, cores/table-pages.ts); absent: off. */
  walkCache?: WalkCacheConfig;
}

export type MemoryModel = "sc" | "armv8";

/** A built-in world switch, or (any other string) a module path (src/hyp/modules.ts). */
export type WorldSwitch = "armv6-kvm" | "a15-hyp" | "vhe" | (string & {});
export type VmidAllocatorName = "kvm-3.9" | "kvm-5.16";
/** update_vttbr's locking and publish order, by the kernels that had it (src/hyp/vmid/kvm-3-9.ts): v3.9
 *  (3.9 to 4.16), v4.17 (4.17 to 4.20, the rwlock) and v5.0 (fb544d1ca65a, VMID and VTTBR first). */
export type VmidPublish = "v3.9" | "v4.17" | "v5.0";

export interface GuestTaskSpec {
  id: string;
  /** Its stage-1 table inside the guest (guest VA → IPA), below PAGE_OFFSET. */
  table: string;
  /** The ASID the guest kernel gives it. */
  asid: number;
}

export interface VmSpec {
  id: string;
  /** Stage-2 table: IPA page → PA (a15-hyp loads it into VTTBR; armv6-kvm folds it into shadow tables). */
  stage2: string;
  /** The guest kernel's table (its TTBR1: guest VAs at or above PAGE_OFFSET, output IPAs). */
  kernelTable: string;
  guestTasks: GuestTaskSpec[];
}

export interface HypConfig {
  worldSwitch: WorldSwitch;
  /** armv6-kvm: whether the host kernel's own mappings are global (nG clear) or not (the seed's question). */
  hostKernelMappings: "global" | "non-global";
  /** armv6-kvm: TLBIALL on every world switch, in and out. */
  flushOnSwitch: boolean;
  /** armv6-kvm: the page mapped in both worlds (0xffff1000), where the world switch code runs. */
  sharedPage: number;
  /** A built-in VMID allocator (VmidAllocatorName), or a module path for a user's own. */
  vmidAllocator: VmidAllocatorName | (string & {});
  /** VMID width: 8 (ARMv7/ARMv8.0) or 16; 2 makes roll-over happen with a handful of VMs. */
  vmidBits: number;
  vmidPublish: VmidPublish;
  /**
   * `v5.0` only: whether update_vttbr has fb544d1ca65a's smp_wmb() and need_new_vmid_gen its smp_rmb()
   * (default true, as the source). False gives v5.0's publish order without them: the same under sc,
   * a race under the armv8 memory model.
   */
  vmidBarriers: boolean;
  vms: VmSpec[];
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
  /** The hypervisor and its VMs, or null for a host-only machine. */
  hyp: HypConfig | null;
  schedule: {
    strategy: "random" | "fifo";
    seed: number;
    /**
     * The random strategy picks among work ready within this many cycles of the earliest ready item,
     * so latencies shape schedules as on hardware; null ignores virtual time (any order at all).
     */
    windowCycles: number | null;
    /**
     * A schedule string `run` follows when given neither --seed nor --schedule: for a scenario that
     * exists to show a violation only some interleavings reach, the one that reaches it.
     */
    choices?: string;
  };
  /** Groups of interchangeable tasks (src/scenario/symmetry.ts), for the stateful search's symmetry reduction. */
  symmetry?: SymmetryGroup[];
}

/** A group of interchangeable tasks (the scenario's `symmetry` field); each member has an mm of its own. */
export interface SymmetryGroup {
  tasks: string[];
}
