/**
 * Where a core's programs are plain data (its scheduler's loop head: System.quiescent), its program
 * trace starts over from that data, so that orders which left the programs in the same state meet
 * again (program-trace.ts), and a rebuild of its programs need not replay what they did before
 * (resume.ts). Stateful DFS and stateful DPOR both do this at each scheduling choice point.
 */
import type { Engine, System } from "../engine/engine.js";
import type { Renaming } from "../scenario/symmetry.js";
import { IDENTITY } from "./canonical.js";
import type { ProgramTrace } from "./program-trace.js";

/** Restarts the trace of every core at its loop head with a history behind it; true when one was. */
export function restartAtLoopHeads(
  trace: ProgramTrace,
  engine: Engine | null,
  system: System | null,
  point: (core: number, system: System) => void,
  syms: readonly Renaming[] = [],
): boolean {
  if (!system?.quiescent || !engine) return false;
  let reset = false;
  for (let c = 0; c < trace.a.length; c++) {
    if (!trace.isDirty(c) || engine.mainAt(c)?.k !== "pick-task") continue;
    // With symmetry, in the name-free form every renaming gives (system.ts), and per renaming.
    const q = syms.length > 0 ? system.quiescent(c, IDENTITY) : system.quiescent(c);
    if (q === null) continue;
    trace.reset(c, q);
    reset = true;
    for (let k = 0; k < syms.length; k++) trace.reset(c, system.quiescent(c, syms[k])!, k);
    point(c, system);
  }
  return reset;
}
