/**
 * A core's system registers, as far as memory management sees them.
 * ARM ARM (DDI 0406C) B4.1: TTBR0/TTBR1 split by TTBCR.N, CONTEXTIDR.ASID (B4.1.36),
 * VTTBR.VMID and HCR.VM for the second stage of translation (B4.1.160, B4.1.65).
 */
export type Mode = "USR" | "SVC" | "HYP";

export interface Registers {
  mode: Mode;
  /** Page table (by table id) for VAs below PAGE_OFFSET. */
  ttbr0: string;
  /** Page table for VAs at or above PAGE_OFFSET (the kernel's). */
  ttbr1: string;
  /** CONTEXTIDR.ASID: tags non-global TLB fills. ASID 0 is the kernel's reserved one. */
  asid: number;
  /** VTTBR: stage-2 table id and VMID; VMID 0 is the host's. */
  vttbr: string;
  vmid: number;
  /** HCR.VM: stage-2 translation on. */
  stage2: boolean;
  /** SCTLR.V: vectors at 0xffff0000 (high) rather than 0x0. */
  vectorsHigh: boolean;
  /** CPSR.I clear: IRQs (and so IPIs) can be taken. */
  irqOn: boolean;
  /**
   * TTBCR.N != 0 (or LPAE's T1SZ): VAs at or above PAGE_OFFSET go through TTBR1, as arm64 and LPAE kernels
   * run. With N = 0, TTBR0 translates the whole 4 GB (ARM ARM B4.1.153): how 32-bit ARM Linux without LPAE
   * runs (__v6_setup / __v7_setup in arch/arm/mm/proc-v6.S, proc-v7.S), every mm's first-level table
   * holding a copy of the kernel's entries (pgd_alloc).
   */
  ttbcrSplit: boolean;
  /** HCR trap bits other than VM (which is `stage2`): see HCR_GUEST_TRAPS in src/hyp/a15-hyp.ts. */
  hcr: number;
  /** The virtual timer (ARM ARM B8.1): CNTV_CTL (bit 0 ENABLE), CNTV_CVAL and CNTVOFF (HYP only). */
  cntvCtl: number;
  cntvCval: number;
  cntvoff: number;
}

export type RegName = keyof Registers;

/** Registers as saved in memory by a world switch: only the ones it names. */
export type SavedRegs = Partial<Registers>;

/** The named registers' current values, as a world switch stores them. */
export function saveRegs(regs: Registers, names: readonly (keyof Registers)[]): SavedRegs {
  const out: Record<string, unknown> = {};
  for (const n of names) out[n] = regs[n];
  return out;
}

export type RegValue = Registers[RegName];

/** `ttbcrSplit`: the architecture's layout (see the field), fixed at boot by the kernel's setup code. */
export function initialRegisters(kernelTable: string, ttbcrSplit = true): Registers {
  return {
    mode: "SVC",
    ttbr0: kernelTable,
    ttbr1: kernelTable,
    asid: 0,
    vttbr: "",
    vmid: 0,
    stage2: false,
    vectorsHigh: true,
    irqOn: true,
    ttbcrSplit,
    hcr: 0,
    cntvCtl: 0,
    cntvCval: 0,
    cntvoff: 0,
  };
}
