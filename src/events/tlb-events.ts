import type { Pte } from "../../cores/page-table.js";
import type { TablePageUse } from "../../cores/table-pages.js";
import type { Tlbi, TlbEntry } from "../../cores/tlb.js";
import type { TlbiMessage } from "../../bus/messages.js";
import type { EventBase } from "./base.js";

/** An access that hit in the TLB. */
export interface TlbHitEvent extends EventBase {
  type: "tlb.hit";
  va: number;
  slot: number;
  write: boolean;
}

/**
 * A walk that filled the TLB: after a miss on an access, or speculatively (`spec`), with the
 * registers loaded at that instant. `slot` is where it went; when the TLB was full, the entry in that
 * slot was evicted.
 */
export interface TlbFillEvent extends EventBase {
  type: "tlb.fill";
  va: number;
  spec: boolean;
  write: boolean;
  entry: TlbEntry;
  slot: number;
  evicted: boolean;
  steps: number;
  /** Under armv8 (absent under sc): the walk read a descriptor an unfinished PTE store replaced ("old") or not ("new"). */
  pte?: "new" | "old";
  /** machine.walkCache on (absent off): the level-1 descriptor the walk used, from the walk cache or the table. */
  wc?: WalkCacheUse;
}

/**
 * How a walk got its level-1 (table) descriptor: `cached` from the core's walk cache (else read from
 * the table and now cached), pointing at table page `pfn`. `holds`, only when the page no longer holds
 * the walked table's descriptors for that 2 MB: what it holds now (another table's, or null: free).
 */
export interface WalkCacheUse {
  l1: number;
  pfn: number;
  cached: boolean;
  holds?: TablePageUse | null;
}

/** A walk that found no valid translation (a translation fault; for a user access, SIGSEGV). */
export interface FaultEvent extends EventBase {
  type: "mmu.fault";
  va: number;
  spec: boolean;
  table: string;
  steps: number;
  /** As tlb.fill's. */
  pte?: "new" | "old";
}

/**
 * TLB maintenance on this core. With `broadcast`, the inner-shareable variant: `msgs` are the ids of
 * bus messages that carry it to the other cores.
 */
export interface TlbiEvent extends EventBase {
  type: "tlbi";
  op: Tlbi;
  broadcast: boolean;
  msgs: TlbiMessage[];
  removed: number;
}

/** A page-table write; `pte` null clears the entry. */
export interface PteWriteEvent extends EventBase {
  type: "pte.write";
  table: string;
  va: number;
  pte: Pte | null;
  /** machine.walkCache on: the table had no table page for this VA's 2 MB; this one was allocated and linked (pte_alloc). */
  ptAlloc?: number;
}

/**
 * The kernel is done with the old translation of a page (its maintenance is complete and the page is
 * freed or reused): from here on no TLB may still use it.
 */
export interface PteRetireEvent extends EventBase {
  type: "pte.retire";
  table: string;
  va: number;
}

export type TlbEvent = TlbHitEvent | TlbFillEvent | FaultEvent | TlbiEvent | PteWriteEvent | PteRetireEvent;
