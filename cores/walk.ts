/**
 * The MMU's translation table walk with the registers loaded at this instant.
 * Stage 1: with the TTBCR split (LPAE, arm64), TTBR0 below PAGE_OFFSET and TTBR1 at or above it; with
 * TTBCR.N = 0 (32-bit ARM Linux without LPAE) TTBR0 for every VA (ARM ARM B3.5.4, B4.1.153).
 * Stage 2 (HCR.VM set): the stage-1 output is an IPA translated through VTTBR's table (B3.12 / B4.1.160).
 * Walk steps: a short-descriptor stage-1 walk reads 2 descriptors; with stage 2, each of those and the
 * final IPA go through a 3-level LPAE walk, (2+1)*(3+1)-1 = 11 reads in all.
 */
import { vpnOf, type PageTable, type Pte } from "./page-table.js";
import type { Registers } from "./registers.js";

export const STAGE1_LEVELS = 2;
export const STAGE2_LEVELS = 3;

export type Tables = Record<string, PageTable>;

export interface WalkResult {
  /** The stage-1 table the walk read. */
  table: string;
  /** Final output, or null for a translation fault. */
  pte: Pte | null;
  steps: number;
}

export function walkSteps(stage2: boolean): number {
  return stage2 ? (STAGE1_LEVELS + 1) * (STAGE2_LEVELS + 1) - 1 : STAGE1_LEVELS;
}

/** Which base register a stage-1 walk of `vpn` starts from: the one rule for walks and for provenance. */
export function stage1Base(regs: Registers, vpn: number, pageOffsetVpn: number): "TTBR0" | "TTBR1" {
  return vpn >= pageOffsetVpn && regs.ttbcrSplit ? "TTBR1" : "TTBR0";
}

export function stage1Table(regs: Registers, vpn: number, pageOffsetVpn: number): string {
  return stage1Base(regs, vpn, pageOffsetVpn) === "TTBR1" ? regs.ttbr1 : regs.ttbr0;
}

export function walk(tables: Tables, regs: Registers, vpn: number, pageOffsetVpn: number): WalkResult {
  const table = stage1Table(regs, vpn, pageOffsetVpn);
  const steps = walkSteps(regs.stage2);
  const s1 = tables[table]?.[vpn];
  if (!s1) return { table, pte: null, steps };
  if (!regs.stage2) return { table, pte: s1, steps };
  const s2 = tables[regs.vttbr]?.[vpnOf(s1.pa)];
  if (!s2) return { table, pte: null, steps };
  // Global-ness and the ASID tag come from stage 1; permissions are the intersection of both stages.
  return { table, pte: { pa: s2.pa, global: s1.global, writable: s1.writable && s2.writable }, steps };
}
