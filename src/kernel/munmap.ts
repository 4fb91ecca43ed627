/**
 * Unmapping a page of a live mm on SMP: clear the PTE, invalidate every TLB that may cache it, and only
 * then free the page (mm/memory.c zap_pte_range → tlb_flush_mmu → free_pages_and_swap_cache).
 */
import type { Op } from "../engine/ops.js";
import type { Shootdown } from "../scenario/types.js";
import { vpnOf } from "../../cores/page-table.js";
import { contextVar, type IpiHandler, type KernelCtx } from "./context.js";

export const FLUSH_TLB_PAGE = "flush-tlb-page";

/** Packs VA page and ASID into an IPI argument (ipi_flush_tlb_page takes the vma and the address). */
const packArg = (va: number, asid: number): number => vpnOf(va) * 65536 + asid;

export function* munmapPage(k: KernelCtx, cpu: number, mm: string, va: number, how: Shootdown): Generator<Op, void, number> {
  yield { k: "pte", table: mm, va, pte: null };
  // DSB ISHST: the cleared PTE is visible to every walker before the invalidation (tlbflush.h, dsb()).
  yield { k: "dsb" };
  const id = yield { k: "read", name: contextVar(mm) };
  const asid = id & ((1 << k.asidBits) - 1);
  const op = { scope: "va" as const, asid, vpn: vpnOf(va) };
  if (how === "broadcast") {
    // ARMv7 SMP: TLBIMVAIS reaches every core; the DSB after it waits for completion everywhere
    // (arch/arm/include/asm/tlbflush.h, v7wbi_flags with TLB_V7_UIS_PAGE).
    yield { k: "tlbi", op, broadcast: true };
    yield { k: "dsb" };
  } else if (how === "ipi") {
    // ARM11MPCore: maintenance is not broadcast in hardware, so flush_tlb_page IPIs the others and waits
    // (arch/arm/kernel/smp.c, on_each_cpu(ipi_flush_tlb_page, &ta, 1), v2.6.36).
    const others = Array.from({ length: k.cores }, (_, i) => i).filter((i) => i !== cpu);
    yield { k: "ipi", to: others, ipi: FLUSH_TLB_PAGE, arg: packArg(va, asid), wait: true };
    yield { k: "tlbi", op, broadcast: false };
    yield { k: "dsb" };
    yield { k: "wait-acks" };
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
