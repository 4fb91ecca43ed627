/**
 * Shrinks a violating schedule the way fast-check shrinks an input: a shorter explicit prefix of
 * choices (the rest follows the fifo default), chunks of choices deleted, choices set to the first
 * option; each candidate kept only while it still violates the same invariant.
 */
import { FifoChooser, ScheduleChooser } from "../engine/chooser.js";
import { execute, type Execution, type ExecutionTarget } from "./execution.js";

export interface Shrunk {
  /** The explicit choices; the run takes fifo defaults after them. */
  prefix: number[];
  /** The execution it gives (its `picks` replay it exactly). */
  exec: Execution;
  attempts: number;
}

export function shrink(t: ExecutionTarget, picks: readonly number[], invariant: string, maxAttempts = 3000): Shrunk {
  let attempts = 0;
  const trial = (prefix: number[]): Execution | null => {
    attempts++;
    const e = execute(t, new ScheduleChooser(prefix, new FifoChooser(), false));
    return e.violation?.invariant === invariant ? e : null;
  };
  let best = trial([...picks]);
  if (!best) throw new Error("shrink: the schedule does not reproduce its violation");
  let prefix = best.picks.slice();
  const accept = (cand: number[]): boolean => {
    if (attempts >= maxAttempts) return false;
    const e = trial(cand);
    // Smaller means no more events and no more choices than the best so far.
    if (!e || e.events > best!.events || e.picks.length > best!.picks.length) return false;
    // Keep the picks the run really made for the explicit part (out-of-range picks wrapped).
    prefix = e.picks.slice(0, cand.length);
    best = e;
    return true;
  };
  // 1. The shortest prefix that still violates (halving, then one step at a time).
  for (let step = prefix.length >> 1; step >= 1; step >>= 1) {
    while (prefix.length >= step && accept(prefix.slice(0, prefix.length - step)));
  }
  // 2. Delete chunks, large to small.
  for (let size = Math.max(1, prefix.length >> 1); size >= 1; size >>= 1) {
    for (let i = 0; i + size <= prefix.length;) {
      if (!accept([...prefix.slice(0, i), ...prefix.slice(i + size)])) i += size;
    }
  }
  // 3. Prefer the first option at each choice (fewer preemptions, the default order).
  for (let i = 0; i < prefix.length; i++) {
    if (prefix[i] !== 0) accept([...prefix.slice(0, i), 0, ...prefix.slice(i + 1)]);
  }
  return { prefix, exec: best, attempts };
}
