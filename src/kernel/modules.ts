/**
 * The kernel mechanisms a scenario may replace with a module of its own (issue 14): the context
 * switch's memory-management half (switch_mm) and the TLB maintenance paths (the unmap sequence and
 * flush_tlb_page). Each is a step program with the interface below; the built-ins implement the same
 * interfaces (src/kernel/switch-mm.ts, src/kernel/munmap.ts), so a module can reproduce them exactly.
 * Loading: src/modules/resolve.ts; checking what a module yields: src/kernel/asid/checked-module.ts.
 */
import type { Op } from "../engine/ops.js";
import type { Shootdown, TableFlush } from "../scenario/types.js";
import type { AsidAllocator } from "./asid/allocator.js";
import type { IpiHandler, KernelCtx } from "./context.js";

export interface ContextSwitch {
  readonly name: string;
  /**
   * context_switch's mm half on `cpu`: `prev` is the mm loaded there ("" at boot), `next` the mm of the
   * task about to run (`k.scenario.kernelTable` for a kernel thread, which has none: lazy TLB). It
   * decides everything, including `prev === next`, and returns the mm loaded afterwards (active_mm).
   * `asids` is the scenario's ASID allocator (its switchMm gets an ASID and loads the registers).
   */
  contextSwitch(k: KernelCtx, asids: AsidAllocator, cpu: number, prev: string, next: string): Generator<Op, string, number>;
}

export interface TlbFlush {
  readonly name: string;
  /**
   * A workload's `unmap` of `va` in `mm` on `cpu` (zap_pte_range → tlb_flush_mmu → free): clear the
   * PTE, the barriers, the ASID read, the invalidation (`how` is the scenario's shootdown), and finally
   * `retire` the page (from then on it may be reused, so a translation of it is stale).
   */
  unmapPage(k: KernelCtx, cpu: number, mm: string, va: number, how: Shootdown): Generator<Op, void, number>;
  /**
   * machine.walkCache: a workload's `free-table` of `va`'s page-table page in `mm` (free_pte_range →
   * pte_free_tlb → tlb_remove_table): `pmd-clear` (yields the page), the invalidation `flush` asks,
   * `pt-free`. Absent: the built-in (src/kernel/free-table.ts).
   */
  freeTable?(k: KernelCtx, cpu: number, mm: string, va: number, flush: TableFlush): Generator<Op, void, number>;
  /**
   * flush_tlb_range(vma, start, end): invalidate `mm`'s translations of [start, end) everywhere they may
   * be cached (`how` is the scenario's shootdown); a workload `unmap` of several `pages` calls it after
   * clearing their PTEs. It may call `k.flushTlbMm` (arm64 does for large ranges). Absent: the built-in
   * (src/kernel/flush-range.ts).
   */
  flushTlbRange?(k: KernelCtx, cpu: number, mm: string, start: number, end: number, how: Shootdown): Generator<Op, void, number>;
  /** flush_tlb_mm(mm): invalidate every translation of `mm` (its ASID). Absent: the built-in. */
  flushTlbMm?(k: KernelCtx, cpu: number, mm: string, how: Shootdown): Generator<Op, void, number>;
  /** IPI handlers by name (flush_tlb_page's ipi_flush_tlb_page, ...). */
  readonly ipiHandlers: Readonly<Record<string, IpiHandler>>;
}
