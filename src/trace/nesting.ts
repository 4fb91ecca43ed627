/**
 * Slices on one track must nest (a child inside its parent) or not overlap at all: the trace viewers
 * stack "X" events by containment and draw a partial overlap wrongly. The slice rules (slices.ts) give
 * nested slices on every log we know of; this is the safety net for the cases they do not foresee: a
 * slice that starts inside another and ends after it stretches the enclosing one (and its ancestors)
 * to cover it, since the outer activity cannot have finished before something inside it did.
 */
import type { Slice } from "./slices.js";

/** A core's slice as made, `n` its place among all made (the tie-break of equal slices). */
export interface TrackSlice {
  s: Slice;
  n: number;
}

/** Fixes the slices of one track in place; returns how many were stretched. */
export function nestTrack(slices: Slice[]): number {
  slices.sort((a, b) => a.start - b.start || b.end - a.end);
  return nestTracks(
    slices.map((s, n) => ({ s, n })),
    () => undefined,
  );
}

/**
 * The sweep over slices sorted by (core, start, end descending, n): a slice is final once one that
 * starts at or after its end comes (it is popped), and `done` gets it then with its end as made.
 * Holds only the slices open at one point of a track. Returns how many were stretched.
 */
export function nestTracks(sorted: Iterable<TrackSlice>, done: (s: Slice, endAsMade: number, n: number) => void): number {
  const stack: { s: Slice; end: number; n: number }[] = [];
  const pop = (): void => {
    const top = stack.pop()!;
    done(top.s, top.end, top.n);
  };
  let core = -1;
  let stretched = 0;
  for (const { s, n } of sorted) {
    if (s.core !== core) while (stack.length) pop();
    core = s.core;
    // Ended by the time this one starts: a sibling, not a parent (touching ends do not overlap).
    while (stack.length && stack[stack.length - 1]!.s.end <= s.start) pop();
    for (const open of stack) {
      if (open.s.end < s.end) {
        open.s.end = s.end;
        stretched++;
      }
    }
    stack.push({ s, end: s.end, n });
  }
  while (stack.length) pop();
  return stretched;
}
