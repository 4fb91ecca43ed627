/**
 * The interface every ASID allocator implements, built-in or a user's module. An allocator is a set of
 * step programs: `switchMm` is check_and_switch_context (allocation, and the register writes through
 * `k.switchTo`), and its IPI handlers run on the cores it interrupts.
 */
import type { Program } from "../../engine/ops.js";
import type { IpiHandler, KernelCtx } from "../context.js";

export interface AsidAllocator {
  readonly name: string;
  /** Where its behaviour comes from (a kernel file and version). */
  readonly source: string;
  /** Shared variables at boot: counters, bitmaps, per-CPU slots, and each mm's context id. */
  initialVars(mms: readonly string[], cores: number, asidBits: number): Record<string, number>;
  /**
   * Switch `cpu` to `mm`: get it a current ASID, then load table and ASID. `prev` is the mm loaded on
   * `cpu` before ("" at boot). Called for every context switch to a user task when `decidesPrevNext`,
   * deciding itself whether to switch as the architecture's switch_mm does (src/kernel/switch-mm.ts);
   * otherwise only when the 32-bit ARM rule says a switch is needed.
   */
  switchMm(k: KernelCtx, cpu: number, mm: string, prev?: string): Program;
  /** switchMm makes switch_mm's prev == next decision itself (every built-in does). */
  readonly decidesPrevNext?: boolean;
  /** IPI handlers by name. */
  readonly ipiHandlers: Readonly<Record<string, IpiHandler>>;
}
