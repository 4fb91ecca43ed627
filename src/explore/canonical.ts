/**
 * Symmetry reduction's canonical form of a state (Ip & Dill, "Better verification through symmetry",
 * FMSD 1996; Murphi's scalarsets, SPIN's symmetry reduction): the least of the state's images under
 * every permutation of the scenario's symmetry groups, each image hashed (or encoded) as the state
 * itself is (state-hash.ts, state-key.ts) with the group's names renamed, its physical pages mapped and
 * the program traces the renamed execution would have (program-trace.ts keeps one per renaming). The
 * groups are enumerated, at most MAX_PERMUTATIONS (src/scenario/symmetry.ts) per state.
 *
 * Two states get the same canonical form only if one is an image of the other (or, with the hash,
 * on a 64-bit collision, as for any state): a prune at a stored symmetric state is sound when every
 * permutation maps the scenario's behaviour onto itself, which the scenario's loader checks of the
 * scenario (scenarios/symmetry-format.ts) and the README argues of the kernel code.
 */
import type { MachineState } from "../state/machine-state.js";
import { ProgramTrace } from "./program-trace.js";
import { stateHash } from "./state-hash.js";
import { stateKey, keyHash } from "./state-key.js";
import { Renaming } from "../scenario/symmetry.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import type { Scenario } from "../scenario/types.js";
import { mmsOf } from "../scenario/initial-state.js";

/** The renaming that changes nothing (quiescent texts in the name-free form every renaming uses: system.ts). */
export const IDENTITY = new Renaming(new Map(), new Map(), new Map());

const scratch = new Uint32Array(2);

/** The least of the state's hashes over the trace's renamings (the identity included), into `out`. */
export function canonicalHash(s: MachineState, trace: ProgramTrace, lastKey: number, out: Uint32Array): void {
  stateHash(s, trace, lastKey, out);
  for (let k = 0; k < trace.syms.length; k++) {
    stateHash(s, trace, lastKey, scratch, k);
    if (scratch[0]! < out[0]! || (scratch[0] === out[0] && scratch[1]! < out[1]!)) out.set(scratch);
  }
}

/** The least of the state's keys over the trace's renamings. */
export function canonicalKey(s: MachineState, trace: ProgramTrace, lastKey: number): string {
  let best = stateKey(s, trace, lastKey);
  for (let k = 0; k < trace.syms.length; k++) {
    const key = stateKey(s, trace, lastKey, k);
    if (key < best) best = key;
  }
  return best;
}

/** A final state's canonical form without its program traces (to compare final states up to symmetry). */
export function canonicalFinal(s: MachineState, syms: readonly Renaming[]): string {
  const [a, b] = keyHash(canonicalKey(s, new ProgramTrace(0, syms), 0));
  return `sym:${a.toString(16)}.${b.toString(16)}`;
}

/**
 * Why the kernel's boot variables are not mapped onto themselves by a renaming (a member named like
 * one of them, "asid_map": the renaming of names built from a member's would reach it), or null.
 */
export function bootVarsProblem(scenario: Scenario, allocator: AsidAllocator, renamings: readonly Renaming[]): string | null {
  const vars = allocator.initialVars(mmsOf(scenario), scenario.machine.cores, scenario.kernel.asidBits);
  for (const r of renamings) {
    for (const k of Object.keys(vars)) {
      const image = r.name(k);
      if (image !== k && vars[image] !== vars[k])
        return `the kernel's variable "${k}" would be renamed "${image}", which it does not have alike: is a member named like a kernel variable?`;
    }
  }
  return null;
}
