/**
 * Page tables, one map per table id from virtual page number to descriptor.
 * Short-descriptor format (ARM ARM B3.5): a walk reads a first-level and a second-level descriptor.
 */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

export interface Pte {
  /** Physical (or, under stage 2, intermediate physical) page address. */
  pa: number;
  /** nG clear: the translation is global and matches every ASID. */
  global: boolean;
  writable: boolean;
}

/** vpn → descriptor. Keys are integers, so iteration order is ascending and defined. */
export type PageTable = Record<number, Pte>;

export const vpnOf = (va: number): number => Math.floor(va / PAGE_SIZE);
export const pageBase = (va: number): number => vpnOf(va) * PAGE_SIZE;
/** The first VA (or PA) of page number `vpn`. */
export const vaOfVpn = (vpn: number): number => vpn * PAGE_SIZE;

export const hex = (n: number): string => "0x" + (n >>> 0).toString(16);
