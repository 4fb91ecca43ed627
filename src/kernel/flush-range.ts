/**
 * flush_tlb_range and flush_tlb_mm, the TLB maintenance entry points of kernel.tlbFlush besides the
 * unmap sequence (src/kernel/modules.ts TlbFlush), and the range unmap that calls them (zap_pte_range
 * over several pages, then tlb_flush_mmu → tlb_flush → flush_tlb_range, mm/memory.c).
 *  - flush_tlb_range: arm64 __flush_tlb_range (arch/arm64/include/asm/tlbflush.h, v5.x): a range of
 *    MAX_TLBI_OPS (PTRS_PER_PTE, 512) pages or more is flush_tlb_mm instead; else TLBI VAE1IS (or
 *    VALE1IS, last level) per page and DSB ISH. ARMv7 SMP: TLBIMVAIS per page (v7wbi_flags); ARM11MPCore:
 *    on_each_cpu_mask(ipi_flush_tlb_range, mm_cpumask) (arch/arm/kernel/smp_tlb.c, v3.x).
 *  - flush_tlb_mm: TLBI ASIDE1IS (TLBIASIDIS), DSB; ARM11MPCore: on_each_cpu_mask(ipi_flush_tlb_mm).
 */
import type { Op } from "../engine/ops.js";
import type { Shootdown } from "../scenario/types.js";
import { PAGE_SIZE, vpnOf } from "../../cores/page-table.js";
import type { Tlbi } from "../../cores/tlb.js";
import { contextVar, type IpiHandler, type KernelCtx } from "./context.js";
import { mmCpumask } from "./switch-mm.js";

export const FLUSH_TLB_RANGE = "flush-tlb-range";
export const FLUSH_TLB_MM = "flush-tlb-mm";
/** arm64 MAX_TLBI_OPS: from this many pages on, one flush of the ASID is cheaper than a TLBI per page. */
export const MAX_TLBI_OPS = 512;

type Gen = Generator<Op, void, number>;

const asidOf = (k: KernelCtx, id: number): number => id & ((1 << k.asidBits) - 1);

/** ipi_flush_tlb_range's argument: first VA page, page count and ASID in one number. */
const packRange = (vpn: number, pages: number, asid: number): number => (vpn * 4096 + pages) * 65536 + asid;

function* pageTlbis(vpn: number, pages: number, asid: number, how: Shootdown, broadcast: boolean): Gen {
  for (let i = 0; i < pages; i++) {
    const op: Tlbi =
      how === "broadcast-last-level" ? { scope: "va", asid, vpn: vpn + i, leaf: true } : { scope: "va", asid, vpn: vpn + i };
    yield { k: "tlbi", op, broadcast };
  }
}

/** The CPUs of `mm`'s mm_cpumask other than `cpu`, and whether `cpu` is in it, the mask read bit by bit. */
function* cpumask(k: KernelCtx, cpu: number, mm: string): Generator<Op, { others: number[]; self: boolean }, number> {
  const others: number[] = [];
  let self = false;
  for (let c = 0; c < k.cores; c++) {
    if (!(yield { k: "read", name: mmCpumask(mm, c) })) continue;
    if (c === cpu) self = true;
    else others.push(c);
  }
  return { others, self };
}

export function* flushTlbMm(k: KernelCtx, cpu: number, mm: string, how: Shootdown): Gen {
  const asid = asidOf(k, yield { k: "read", name: contextVar(mm) });
  const op: Tlbi = { scope: "asid", asid };
  if (how === "ipi") {
    const { others, self } = yield* cpumask(k, cpu, mm);
    if (others.length > 0) yield { k: "ipi", to: others, ipi: FLUSH_TLB_MM, arg: asid, wait: true };
    if (self) {
      yield { k: "tlbi", op, broadcast: false };
      yield { k: "dsb" };
    }
    if (others.length > 0) yield { k: "wait-acks" };
    return;
  }
  yield { k: "tlbi", op, broadcast: how !== "local" };
  yield { k: "dsb" };
}

export function* flushTlbRange(k: KernelCtx, cpu: number, mm: string, start: number, end: number, how: Shootdown): Gen {
  const vpn = vpnOf(start);
  const pages = Math.ceil((end - start) / PAGE_SIZE);
  if (pages >= MAX_TLBI_OPS) {
    yield* k.flushTlbMm(cpu, mm, how);
    return;
  }
  const asid = asidOf(k, yield { k: "read", name: contextVar(mm) });
  if (how === "ipi") {
    const { others, self } = yield* cpumask(k, cpu, mm);
    if (others.length > 0) yield { k: "ipi", to: others, ipi: FLUSH_TLB_RANGE, arg: packRange(vpn, pages, asid), wait: true };
    if (self) {
      yield* pageTlbis(vpn, pages, asid, how, false);
      yield { k: "dsb" };
    }
    if (others.length > 0) yield { k: "wait-acks" };
    return;
  }
  yield* pageTlbis(vpn, pages, asid, how, how !== "local");
  yield { k: "dsb" };
}

/** unmap of `pages` pages from `va`: clear each PTE, DSB, flush_tlb_range over them, then free them. */
export function* unmapRange(k: KernelCtx, cpu: number, mm: string, va: number, pages: number, how: Shootdown): Gen {
  for (let i = 0; i < pages; i++) yield { k: "pte", table: mm, va: va + i * PAGE_SIZE, pte: null };
  if (how !== "broadcast-no-dsb") yield { k: "dsb" };
  yield* k.flushTlbRange(cpu, mm, va, va + pages * PAGE_SIZE, how);
  for (let i = 0; i < pages; i++) yield { k: "retire", table: mm, va: va + i * PAGE_SIZE };
}

export const rangeIpiHandlers: Record<string, IpiHandler> = {
  *[FLUSH_TLB_RANGE](_k, _cpu, msg) {
    const asid = msg.arg % 65536;
    const rest = Math.floor(msg.arg / 65536);
    yield* pageTlbis(Math.floor(rest / 4096), rest % 4096, asid, "ipi", false);
    yield { k: "dsb" };
  },
  *[FLUSH_TLB_MM](_k, _cpu, msg) {
    yield { k: "tlbi", op: { scope: "asid", asid: msg.arg }, broadcast: false };
    yield { k: "dsb" };
  },
};
