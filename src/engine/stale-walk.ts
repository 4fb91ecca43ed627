/**
 * Under the armv8 memory model, the tables a translation table walk reads (a fill or a speculative walk,
 * src/engine/exec.ts access): a descriptor whose store is not yet complete for the walking core
 * (src/memory/pte-visibility.ts) may be read as it was before the store, a recorded `read` choice (0:
 * the new one, as sc reads). Both stages are memory: the stage-1 descriptor of the VA in the table its
 * TTBR names, and, when stage 2 is on, the stage-2 descriptor of the IPA that stage-1 descriptor gives,
 * in the table VTTBR names (ARM ARM DDI 0487 D8.2 "Translation table walks": each stage's descriptor
 * fetch is a read of memory; D5.10.2 / D8.14: a store to a descriptor is seen by other walkers only after
 * the writer's DSB, by its own after DSB and ISB; Simner et al., "Relaxed virtual memory in Armv8-A",
 * ESOP 2022, which treats stage-2 descriptor fetches as the same kind of translation reads). Each stage
 * is its own choice, so a walk may combine a new stage-1 descriptor with an old stage-2 one.
 */
import { hex, PAGE_SIZE, vpnOf, type PageTable, type Pte } from "../../cores/page-table.js";
import type { Registers } from "../../cores/registers.js";
import { stage1Table, type Tables } from "../../cores/walk.js";
import type { PendingPtes } from "../memory/pte-visibility.js";

/** Picks 0 (the new descriptor) or 1 (the one before the unfinished store); `what` names each. */
export type WalkReadChoice = (what: (i: number) => string) => number;

export interface WalkTables {
  tables: Tables;
  /** "old" when the walk read a descriptor, of either stage, from before an unfinished store. */
  read: "new" | "old";
}

function withEntry(tables: Tables, table: string, vpn: number, old: Pte | null): Tables {
  const copy: PageTable = { ...tables[table] };
  if (old) copy[vpn] = old;
  else delete copy[vpn];
  return { ...tables, [table]: copy };
}

/** The tables core `c`'s walk of `va` reads, given the PTE stores still pending for it. */
export function walkTables(
  tables: Tables,
  regs: Registers,
  c: number,
  va: number,
  pageOffsetVpn: number,
  ptes: PendingPtes,
  choose: WalkReadChoice,
): WalkTables {
  if (ptes.empty) return { tables, read: "new" };
  const vpn = vpnOf(va);
  let out = tables;
  let read: "new" | "old" = "new";
  const s1Table = stage1Table(regs, vpn, pageOffsetVpn);
  const old1 = ptes.stale(c, s1Table, vpn);
  if (old1 !== undefined) {
    const pick = choose((i) =>
      i === 0
        ? `walk of ${hex(va)} reads the new descriptor`
        : `walk of ${hex(va)} reads the descriptor before the unfinished PTE store`,
    );
    if (pick === 1) {
      out = withEntry(out, s1Table, vpn, old1);
      read = "old";
    }
  }
  if (!regs.stage2) return { tables: out, read };
  const s1 = out[s1Table]?.[vpn];
  if (!s1) return { tables: out, read };
  const ipaVpn = vpnOf(s1.pa);
  const old2 = ptes.stale(c, regs.vttbr, ipaVpn);
  if (old2 === undefined) return { tables: out, read };
  const ipa = hex(ipaVpn * PAGE_SIZE);
  const pick = choose((i) =>
    i === 0
      ? `walk of ${hex(va)} reads the new stage-2 descriptor of IPA ${ipa}`
      : `walk of ${hex(va)} reads the stage-2 descriptor of IPA ${ipa} before the unfinished store`,
  );
  if (pick === 1) return { tables: withEntry(out, regs.vttbr, ipaVpn, old2), read: "old" };
  return { tables: out, read };
}
