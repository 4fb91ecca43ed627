/**
 * Unmapping a page of a live mm on SMP: clear the PTE, invalidate every TLB that may cache it, and only
 * then free the page (mm/memory.c zap_pte_range → tlb_flush_mmu → free_pages_and_swap_cache).
 */
import type { Op } from "../engine/ops.js";
import type { Shootdown } from "../scenario/types.js";
import { vpnOf } from "../../cores/page-table.js";
import { contextVar, type IpiHandler, type KernelCtx } from "./context.js";
import type { TlbFlush } from "./modules.js";
import { mmCpumask } from "./switch-mm.js";

export const FLUSH_TLB_PAGE = "flush-tlb-page";

/** Packs VA page and ASID into an IPI argument (ipi_flush_tlb_page takes the vma and the address). */
const packArg = (va: number, asid: number): number => vpnOf(va) * 65536 + asid;

export function* munmapPage(k: KernelCtx, cpu: number, mm: string, va: number, how: Shootdown): Generator<Op, void, number> {
  yield { k: "pte", table: mm, va, pte: null };
  // DSB ISHST: the cleared PTE is visible to every walker before the invalidation (tlbflush.h, dsb();
  // ARM ARM D5.10.2: without it another core's walk after the TLBI may still read the old descriptor).
  if (how !== "broadcast-no-dsb") yield { k: "dsb" };
  const id = yield { k: "read", name: contextVar(mm) };
  const asid = id & ((1 << k.asidBits) - 1);
  // arm64 since v4.4 (4150e50bf5f2, "arm64: Use last level TLBI for user pte changes"): flush_tlb_page
  // is TLBI VALE1IS, which leaves walk-cache entries (cores/walk-cache.ts).
  const op =
    how === "broadcast-last-level"
      ? { scope: "va" as const, asid, vpn: vpnOf(va), leaf: true }
      : { scope: "va" as const, asid, vpn: vpnOf(va) };
  if (how === "broadcast" || how === "broadcast-no-dsb" || how === "broadcast-last-level") {
    // ARMv7 SMP: TLBIMVAIS reaches every core; the DSB after it waits for completion everywhere
    // (arch/arm/include/asm/tlbflush.h, v7wbi_flags with TLB_V7_UIS_PAGE).
    yield { k: "tlbi", op, broadcast: true };
    yield { k: "dsb" };
  } else if (how === "ipi") {
    // ARM11MPCore: maintenance is not broadcast in hardware, so flush_tlb_page runs ipi_flush_tlb_page on
    // the CPUs in the mm's mm_cpumask and waits (arch/arm/kernel/smp.c v2.6.36: on_each_cpu_mask(
    // ipi_flush_tlb_page, &ta, 1, mm_cpumask(vma->vm_mm)): smp_call_function_many on the others, the
    // function itself here if this CPU is in the mask). The mask is read bit by bit (cpumask_and when
    // smp_call_function_many copies it); a CPU that sets its bit later walks the cleared PTE.
    const others: number[] = [];
    let self = false;
    for (let c = 0; c < k.cores; c++) {
      if (!(yield { k: "read", name: mmCpumask(mm, c) })) continue;
      if (c === cpu) self = true;
      else others.push(c);
    }
    if (others.length > 0) yield { k: "ipi", to: others, ipi: FLUSH_TLB_PAGE, arg: packArg(va, asid), wait: true };
    if (self) {
      yield { k: "tlbi", op, broadcast: false };
      yield { k: "dsb" };
    }
    if (others.length > 0) yield { k: "wait-acks" };
  } else {
    // Local only: the bug being shown. Other cores keep whatever they cached.
    yield { k: "tlbi", op, broadcast: false };
    yield { k: "dsb" };
  }
  yield { k: "retire", table: mm, va };
}

export const flushTlbPageHandler: IpiHandler = function* (_k, _cpu, msg) {
  const vpn = Math.floor(msg.arg / 65536);
  yield { k: "tlbi", op: { scope: "va", asid: msg.arg % 65536, vpn }, broadcast: false };
  yield { k: "dsb" };
};

/** The built-in TLB maintenance paths (src/kernel/modules.ts TlbFlush). */
export const builtinTlbFlush: TlbFlush = {
  name: "built-in",
  unmapPage: munmapPage,
  ipiHandlers: { [FLUSH_TLB_PAGE]: flushTlbPageHandler },
};
