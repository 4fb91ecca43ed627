/**
 * Whether a `repeat` does anything. Every workload op but `repeat` makes at least one event (an access,
 * a trap, a yield to the scheduler, an exit); a repeat does only when it runs its body at least once and
 * the body does. A repeat that does nothing must be skipped, not iterated: `times: 1e9` around a body
 * of `times: 0` would otherwise spin for ever without an event, where `maxEvents` cannot stop it.
 */
import type { WorkloadOp } from "../scenario/types.js";

const known = new WeakMap<readonly WorkloadOp[], boolean>();

export function doesSomething(ops: readonly WorkloadOp[]): boolean {
  let v = known.get(ops);
  if (v === undefined) {
    v = ops.some((op) => op.op !== "repeat" || (op.times > 0 && doesSomething(op.body)));
    known.set(ops, v);
  }
  return v;
}
