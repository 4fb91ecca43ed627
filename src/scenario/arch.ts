/**
 * The modelled architecture, and the settings that follow from it unless a scenario overrides them.
 *
 * - `armv6`: ARM11 (ARM1136/1176, ARM11MPCore), short descriptors, no LPAE.
 * - `armv7`: Cortex-A9/A15 class without LPAE, the multiprocessing extensions' inner-shareable TLB
 *   maintenance.
 * - `armv7-lpae`: the same with the long-descriptor format (KVM/ARM hosts need LPAE).
 * - `armv8`: arm64.
 */
export const ARCHES = ["armv6", "armv7", "armv7-lpae", "armv8"] as const;
export type Arch = (typeof ARCHES)[number];

/**
 * Whether the kernel splits the address space between TTBR0 (user) and TTBR1 (kernel). 32-bit ARM Linux
 * without LPAE runs with TTBCR.N = 0 (__v6_setup / __v7_setup in arch/arm/mm/proc-v6.S, proc-v7.S, v2.6.36
 * to today: `mcr p15, 0, r0, c2, c0, 2 @ TTB control register` with r0 = 0): TTBR0 walks everything, every
 * mm's first-level table holds the kernel's entries (pgd_alloc copies them from swapper_pg_dir,
 * arch/arm/mm/pgd.c), and TTBR1 (swapper_pg_dir) is only read to build the reserved TTBR0
 * (cpu_set_reserved_ttbr0, arch/arm/mm/context.c, v3.8+). LPAE (proc-v7-3level.S, TTBCR.T1SZ for the
 * kernel's 1 GB) and arm64 (TCR_EL1.T0SZ/T1SZ) walk kernel VAs through TTBR1.
 */
export const splitsTtbr = (arch: Arch): boolean => arch === "armv7-lpae" || arch === "armv8";

/**
 * What local_flush_tlb_all() reaches unless the scenario says (kernel.flushAllScope): ARM11MPCore's TLB
 * maintenance is local (v6wbi_tlb_flags, arch/arm/include/asm/tlbflush.h v2.6.36: TLB_V6_U_FULL, TLBIALL),
 * an ARMv7 SMP kernel's is inner-shareable (v7wbi_tlb_flags_smp: TLB_V7_UIS_FULL, TLBIALLIS). arm64's
 * local_flush_tlb_all is TLBI VMALLE1 with DSB NSH: local.
 */
export const defaultFlushAllScope = (arch: Arch): "local" | "inner-shareable" =>
  arch === "armv7" || arch === "armv7-lpae" ? "inner-shareable" : "local";
