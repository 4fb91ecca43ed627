/**
 * `where`: the interleaving around the current event as per-core columns, one event a row, the current
 * row marked. The same drawing as the explorer's counterexample view (src/explore/columns.ts), but
 * centred on a position and marking it; scheduler `choice` events are left out, as there.
 */
import { describeEvent } from "../../events/describe.js";
import type { EventList } from "../../log/event-list.js";

export interface WindowOptions {
  /** Shown events before and after the current one. */
  before: number;
  after: number;
  /** Column width; by default it fits four cores in 160 characters. */
  width?: number;
}

/** Indices of up to `count` non-choice events walking from `from` in `dir`. */
function collect(events: EventList, from: number, dir: 1 | -1, count: number): number[] {
  const out: number[] = [];
  for (let i = from; i >= 0 && i < events.length && out.length < count; i += dir)
    if (events.at(i)!.type !== "choice") out.push(i);
  return out;
}

/** `current` is the index of the current event, or -1 at the start. */
export function eventWindow(events: EventList, cores: number, current: number, opts: WindowOptions): string[] {
  const width = opts.width ?? (cores <= 2 ? 48 : cores <= 4 ? 36 : 24);
  const cut = (s: string): string => (s.length > width ? s.slice(0, width - 1) + "…" : s.padEnd(width));
  const before = collect(events, current - 1, -1, opts.before).reverse();
  const after = collect(events, current + 1, 1, opts.after);
  const rows = current >= 0 ? [...before, current, ...after] : after;
  const head = `       seq      t  ${Array.from({ length: cores }, (_, c) => cut(`core ${c}`)).join(" ")}`.trimEnd();
  const lines = rows.map((i) => {
    const e = events.at(i)!;
    const mark = i === current ? "▶" : " ";
    const text = e.type === "choice" ? `(${describeEvent(e)})` : describeEvent(e);
    const body = e.core < 0 ? `  ${text}` : Array.from({ length: cores }, (_, c) => cut(c === e.core ? text : "")).join(" ");
    return `${mark} ${String(e.seq).padStart(7)} ${String(e.t).padStart(6)}  ${body}`.trimEnd();
  });
  if (current < 0) lines.unshift("▶ (start: no event applied yet)");
  return [head, ...lines];
}
