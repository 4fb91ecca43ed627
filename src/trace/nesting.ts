/**
 * Slices on one track must nest (a child inside its parent) or not overlap at all: the trace viewers
 * stack "X" events by containment and draw a partial overlap wrongly. The slice rules (slices.ts) give
 * nested slices on every log we know of; this is the safety net for the cases they do not foresee: a
 * slice that starts inside another and ends after it stretches the enclosing one (and its ancestors)
 * to cover it, since the outer activity cannot have finished before something inside it did.
 */
import type { Slice } from "./slices.js";

/** Fixes the slices of one track in place; returns how many were stretched. */
export function nestTrack(slices: Slice[]): number {
  slices.sort((a, b) => a.start - b.start || b.end - a.end);
  const stack: Slice[] = [];
  let stretched = 0;
  for (const s of slices) {
    // Ended by the time this one starts: a sibling, not a parent (touching ends do not overlap).
    while (stack.length && stack[stack.length - 1]!.end <= s.start) stack.pop();
    for (const open of stack) {
      if (open.end < s.end) {
        open.end = s.end;
        stretched++;
      }
    }
    stack.push(s);
  }
  return stretched;
}
