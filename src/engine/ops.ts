/**
 * The atomic operations a step program yields. The engine carries out one, logs its effect as an
 * event, and may run another core before the program's next operation: this is the granularity at
 * which two cores' kernel code interleaves (DESIGN.md, "Algorithms as step programs").
 */
import type { Pte } from "../../cores/page-table.js";
import type { Registers } from "../../cores/registers.js";
import type { Tlbi } from "../../cores/tlb.js";
import type { EventBody } from "../events/index.js";
import type { HypEvent } from "../events/hyp-events.js";
import type { KernelEvent } from "../events/kernel-events.js";
import type { DmbKind, Ordering } from "../memory/views.js";

/** Kernel and hypervisor bookkeeping events a program emits as an operation of their own. */
export type KernelNote = Exclude<Extract<EventBody, { type: KernelEvent["type"] | HypEvent["type"] }>, { type: "sched.pick" }>;

export type Op =
  /** System register write(s); several registers in one op model a single write (LPAE TTBR+ASID). */
  | { k: "reg"; regs: Partial<Registers> }
  | { k: "isb" }
  /** DSB: also waits until every broadcast TLBI this core issued is complete everywhere. */
  | { k: "dsb" }
  /** DMB ISH / ISHLD / ISHST: smp_mb / smp_rmb / smp_wmb. Under the sc memory model it is not a step at all. */
  | { k: "dmb"; kind: DmbKind }
  /**
   * Shared-variable accesses carry the ordering the kernel source gives them (under armv8; sc ignores
   * it): a read is relaxed (plain, READ_ONCE, atomic_read) unless `acquire` (smp_load_acquire), and
   * `addr` when its address depends on earlier reads; a write relaxed (WRITE_ONCE, atomic_set) unless
   * `release` (smp_store_release); a read-modify-write is fully ordered (xchg, cmpxchg,
   * atomic_*_return) unless `relaxed`, `acquire` or `release` (the kernel's suffixes). A failed
   * cmpxchg is not ordered whatever its suffix.
   */
  | { k: "read"; name: string; ord?: "relaxed" | "acquire"; addr?: boolean }
  | { k: "write"; name: string; value: number; ord?: "relaxed" | "release" }
  | { k: "xchg"; name: string; value: number; ord?: Ordering }
  /** Writes `value` when the variable equals `expect`; yields back the old value either way. */
  | { k: "cmpxchg"; name: string; expect: number; value: number; ord?: Ordering }
  | { k: "lock"; name: string }
  | { k: "unlock"; name: string }
  /** A load or store: TLB lookup, walk on a miss, fault when unmapped. Yields 1, or 0 on a fault. */
  | { k: "access"; va: number; write: boolean }
  | { k: "tlbi"; op: Tlbi; broadcast: boolean }
  | { k: "pte"; table: string; va: number; pte: Pte | null }
  | { k: "retire"; table: string; va: number }
  /**
   * machine.walkCache: pmd_clear of the table page that holds `va`'s descriptor (the 2 MB around it);
   * yields the page's number for `pt-free`. pt-free: the page goes back to the allocator (pte_free).
   */
  | { k: "pmd-clear"; table: string; va: number }
  | { k: "pt-free"; pfn: number }
  | { k: "ipi"; to: number[]; ipi: string; arg: number; wait: boolean }
  /** Waits until every IPI sent with `wait` has been acked. */
  | { k: "wait-acks" }
  /** A decision the program makes among `of` options: a recorded choice. Yields the index. */
  | { k: "choose"; of: number; what: string }
  /**
   * The scheduler takes a ready task of `tasks` (those allowed on this core, in the state's task
   * order). Yields 1, or 0 when every task has exited. `roundRobin`: take the ready task that has
   * waited longest (no choice); otherwise any ready task, a recorded choice.
   */
  | { k: "pick-task"; tasks: readonly string[]; roundRobin: boolean }
  /** Kernel bookkeeping that is an event of its own. */
  | { k: "note"; ev: KernelNote }
  /**
   * An operation of guest code on behalf of `vcpu`. An interrupt may have taken the core out of the
   * guest between the yield and this step (the handler runs the world switch out); then the operation
   * is not carried out and yields -1, and the guest retries it after its next entry, as a guest
   * instruction interrupted before it executes is re-executed on return.
   */
  | { k: "in-guest"; vcpu: string; op: Op }
  /**
   * Runs `program` as part of this one, as `yield*` would (its operations are this program's, its
   * return value is what the call yields back), but the engine resumes it directly: no generator in
   * between taking each operation and handing it on.
   */
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- a called program may return nothing
  | { k: "call"; program: Generator<Op, number | void, number> }
  /** Internal: the program has returned; its frame is popped in a step of its own. */
  | { k: "return" };

/** A step program: yields operations, receives each one's result. */
export type Program = Generator<Op, void, number>;
