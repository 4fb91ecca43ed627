/**
 * The order in which switch_mm loads the new table base and ASID. Between two writes the TLB may fill
 * speculatively from whatever is loaded (ARM ARM B3.10.2), so the order decides what a fill can tag.
 */
import type { Op } from "../engine/ops.js";
import { RESERVED_TTBR0 } from "../scenario/initial-state.js";
import type { SwitchSequence } from "../scenario/types.js";

/** The swapper tables: kernel (global) mappings only, used by `reserved-ttbr0` (named with the scenario's tables). */
export { RESERVED_TTBR0 };

// Operations that never change, made once (this runs at every context switch of every explored schedule;
// ops are never mutated, and a `reg` op's registers go into its event as they are).
const ISB: Op = { k: "isb" };
const ASID_0: Op = { k: "reg", regs: { asid: 0 } };
const TTBR0_RESERVED: Op = { k: "reg", regs: { ttbr0: RESERVED_TTBR0 } };

/**
 * `reservedDone`: the caller already pointed TTBR0 at the swapper tables (3.x check_and_switch_context
 * calls cpu_set_reserved_ttbr0 before allocating), so `reserved-ttbr0` skips its first step.
 */
export function* switchSequence(
  seq: SwitchSequence,
  table: string,
  asid: number,
  reservedDone = false,
): Generator<Op, void, number> {
  switch (seq) {
    case "ttbr-then-asid":
      // arch/arm/mm/proc-v6.S cpu_v6_switch_mm (2.6.36): TTBR0, then CONTEXTIDR, no reserved step.
      yield { k: "reg", regs: { ttbr0: table } };
      yield { k: "reg", regs: { asid } };
      yield ISB;
      return;
    case "asid-then-ttbr":
      // The naive order: the new ASID is live while the old table is still loaded.
      yield { k: "reg", regs: { asid } };
      yield ISB;
      yield { k: "reg", regs: { ttbr0: table } };
      yield ISB;
      return;
    case "reserved-asid":
      // arch/arm/mm/proc-v7.S cpu_v7_switch_mm (2.6.3x); Cortex-A15 TRM Example 5-1:
      // ASID←0; ISB; TTBR0←new; ISB; ASID←new; ISB. ASID 0 is never given to a task.
      yield ASID_0;
      yield ISB;
      yield { k: "reg", regs: { ttbr0: table } };
      yield ISB;
      yield { k: "reg", regs: { asid } };
      yield ISB;
      return;
    case "reserved-ttbr0":
      // cpu_set_reserved_ttbr0 (arch/arm/mm/context.c, 3.x): point TTBR0 at tables with no user
      // mappings while the ASID changes, so nothing user can be walked under the new ASID too early.
      if (!reservedDone) {
        yield TTBR0_RESERVED;
        yield ISB;
      }
      yield { k: "reg", regs: { asid } };
      yield ISB;
      yield { k: "reg", regs: { ttbr0: table } };
      yield ISB;
      return;
    case "atomic":
      // LPAE / arm64: the ASID is a field of TTBR, one write changes both (cpu_do_switch_mm).
      yield { k: "reg", regs: { ttbr0: table, asid } };
      yield ISB;
      return;
  }
}
