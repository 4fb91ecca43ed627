/**
 * Page tables are memory under the armv8 model: a PTE store is a write like any other, and a
 * translation table walk is a read of it (ARM ARM DDI 0487, D5.10 "TLB maintenance requirements and
 * the TLB maintenance instructions" / D8 "Ordering of translation table walks": a walk may see an old
 * descriptor until the store is complete, which the writer's DSB guarantees for other observers, and
 * for the writer's own later walks only DSB followed by a context synchronization event, ISB; Simner
 * et al., "Relaxed virtual memory in Armv8-A", ESOP 2022, section 4). So each PTE store stays
 * *pending* until then: a walk by a core it is not yet visible to may read the descriptor it replaced
 * (a recorded `read` choice, src/engine/exec.ts). A walk may also read the new one at once (a store may
 * be seen early), which is what sc does always.
 */
import type { Pte } from "../../cores/page-table.js";

interface PendingPte {
  readonly table: string;
  readonly vpn: number;
  /** The descriptor the store replaced (null: there was none). */
  readonly old: Pte | null;
  readonly writer: number;
  /** The writer has executed a DSB since: complete for every other core, and for its own walks after an ISB. */
  dsb: boolean;
}

export class PendingPtes {
  private pending: PendingPte[] = [];

  /** Core `c` stores a descriptor of `table` for `vpn`, replacing `old`. */
  store(c: number, table: string, vpn: number, old: Pte | null): void {
    this.pending.push({ table, vpn, old, writer: c, dsb: false });
  }

  /** Complete for every other core now; kept only for the writer's own walks until its ISB. */
  dsb(c: number): void {
    for (const p of this.pending) if (p.writer === c) p.dsb = true;
  }

  isb(c: number): void {
    this.pending = this.pending.filter((p) => !(p.writer === c && p.dsb));
  }

  /**
   * The older descriptor a walk by core `c` of `table` may still read for `vpn`, or undefined when
   * every store to it is visible to `c`. The oldest pending store's replaced value (coherence: a walk
   * reads the newest or one not yet overwritten for it; the model offers the oldest and the newest).
   */
  stale(c: number, table: string, vpn: number): Pte | null | undefined {
    for (const p of this.pending) {
      if (p.table !== table || p.vpn !== vpn) continue;
      if (p.dsb && p.writer !== c) continue;
      return p.old;
    }
    return undefined;
  }

  get empty(): boolean {
    return this.pending.length === 0;
  }
}
