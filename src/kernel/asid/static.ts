/**
 * No allocation: each mm keeps ASID = its index + 1 for the whole run, as on a machine with more ASIDs
 * than address spaces. No roll-over can happen; it isolates the machine from allocator effects.
 */
import type { AsidAllocator } from "./allocator.js";
import { contextVar } from "../context.js";
import { armSwitchNeeded } from "../switch-mm.js";
import { AllocatorError } from "./errors.js";

export const staticAllocator: AsidAllocator = {
  name: "static",
  source: "none: a fixed ASID per mm (a model baseline, not a kernel's allocator)",
  initialVars(mms, _cores, asidBits) {
    if (mms.length >= 1 << asidBits) {
      throw new AllocatorError(
        `the static allocator needs an ASID per mm: ${mms.length} mms do not fit in ${asidBits}-bit ASIDs (kernel.asidBits)`,
      );
    }
    return Object.fromEntries(mms.map((mm, i) => [contextVar(mm), i + 1]));
  },
  decidesPrevNext: true,
  *switchMm(k, cpu, mm, prev) {
    // switch_mm's decision, as on 32-bit ARM (src/kernel/switch-mm.ts); no `prev`: the caller forces it.
    if (prev !== undefined && !(yield* armSwitchNeeded(cpu, prev, mm))) return;
    const asid = yield { k: "read", name: contextVar(mm) };
    yield { k: "note", ev: { type: "asid.assign", mm, generation: 0, asid } };
    yield* k.switchTo(cpu, mm, asid);
  },
  ipiHandlers: {},
};
