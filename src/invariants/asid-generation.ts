/**
 * A core never goes back to an older ASID generation. Every allocator's guarantee after a roll-over
 * is that the ASIDs of the old generation are dead on every CPU (2.6.36 by resetting them with an IPI,
 * 3.x/arm64 by reserving the running ones and flushing before reuse); a core switching to an
 * old-generation context runs under an ASID the allocator may already have given to another mm.
 */
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import { touchesNothing } from "../events/spec.js";
import type { Invariant } from "./invariant.js";

export const asidGenerationMonotonic: Invariant = {
  name: "asid-generation-monotonic",
  on: ["asid.assign"],
  // Its own core's newest generation, which only its own core's steps change (program order).
  reads: touchesNothing,
  check(s: MachineState, ev: SimEvent): string | null {
    if (ev.type !== "asid.assign") return null;
    const core = s.cores[ev.core]!;
    if (ev.generation >= core.maxGeneration) return null;
    return (
      `core ${ev.core} switched mm ${ev.mm} to ASID ${ev.generation}:${ev.asid} (generation:ASID) after it ` +
      `had already run under generation ${core.maxGeneration}: an ASID of a dead generation, which the ` +
      `allocator may hand to another mm`
    );
  },
};
