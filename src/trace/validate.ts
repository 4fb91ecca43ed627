/**
 * Shape checks for an exported trace, the rules a viewer relies on: every event has a name, a phase and
 * a pid; everything but metadata has a numeric ts ≥ 0 and (except counters) a tid; timestamps never go
 * back on a track; complete slices have dur ≥ 0 and nest on their track; every flow id has exactly one
 * start and one finish, the finish not before the start, each inside a slice on its track; counters
 * carry numeric args. Returns the problems found (empty: the trace is well-formed).
 */
import type { TraceEvent } from "./trace-event.js";

const PHASES = new Set(["M", "X", "i", "s", "f", "C"]);

export function validateTrace(file: unknown): string[] {
  const problems: string[] = [];
  const bad = (i: number, why: string): void => void problems.push(`traceEvents[${i}]: ${why}`);
  if (typeof file !== "object" || file === null || !Array.isArray((file as { traceEvents?: unknown }).traceEvents)) {
    return ["not a trace: no traceEvents array"];
  }
  const events = (file as { traceEvents: TraceEvent[] }).traceEvents;
  const lastTs = new Map<string, number>();
  const slices = new Map<string, { ts: number; end: number }[]>();
  const flows = new Map<number, { s: number[]; f: number[] }>();
  events.forEach((e, i) => {
    if (typeof e.name !== "string" || !e.name) bad(i, "no name");
    if (!PHASES.has(e.ph)) bad(i, `unknown ph ${JSON.stringify(e.ph)}`);
    if (typeof e.pid !== "number") bad(i, "no pid");
    if (e.ph === "M") return;
    if (typeof e.ts !== "number" || !Number.isFinite(e.ts) || e.ts < 0) {
      bad(i, `ts ${JSON.stringify(e.ts)} is not a time ≥ 0`);
      return;
    }
    if (e.ph !== "C" && typeof e.tid !== "number") bad(i, "no tid");
    const track = e.ph === "C" ? `counter ${e.name}` : `${e.pid}/${e.tid}`;
    if (e.ts < (lastTs.get(track) ?? 0)) bad(i, `ts ${e.ts} goes back on track ${track} (was ${lastTs.get(track)})`);
    lastTs.set(track, e.ts);
    if (e.ph === "X") {
      if (typeof e.dur !== "number" || e.dur < 0) bad(i, `slice dur ${JSON.stringify(e.dur)} is not ≥ 0`);
      else (slices.get(track) ?? slices.set(track, []).get(track)!).push({ ts: e.ts, end: e.ts + e.dur });
    } else if (e.ph === "s" || e.ph === "f") {
      if (typeof e.id !== "number") {
        bad(i, "flow without a numeric id");
        return;
      }
      const fl = flows.get(e.id) ?? flows.set(e.id, { s: [], f: [] }).get(e.id)!;
      fl[e.ph].push(i);
    } else if (e.ph === "C") {
      if (!e.args || !Object.values(e.args).every((v) => typeof v === "number")) bad(i, "counter without numeric args");
    } else if (e.ph === "i" && e.s !== undefined && !["t", "p", "g"].includes(e.s)) {
      bad(i, `instant scope ${JSON.stringify(e.s)}`);
    }
  });
  // Nesting, and each slice's parent, so that "is this instant inside a slice" is a walk up a short chain.
  const parents = new Map<string, number[]>();
  for (const [track, list] of slices) {
    list.sort((a, b) => a.ts - b.ts || b.end - a.end);
    const parent: number[] = [];
    const stack: number[] = [];
    list.forEach((sl, i) => {
      while (stack.length && list[stack[stack.length - 1]!]!.end <= sl.ts) stack.pop();
      const top = stack.length ? list[stack[stack.length - 1]!]! : undefined;
      if (top && sl.end > top.end)
        problems.push(`track ${track}: slice [${sl.ts}, ${sl.end}] overlaps [${top.ts}, ${top.end}] without nesting`);
      parent.push(stack.length ? stack[stack.length - 1]! : -1);
      stack.push(i);
    });
    parents.set(track, parent);
  }
  const enclosed = (i: number): boolean => {
    const e = events[i]!;
    const track = `${e.pid}/${e.tid}`;
    const list = slices.get(track) ?? [];
    const parent = parents.get(track) ?? [];
    const ts = e.ts!;
    // The last slice starting at or before ts, then up through the slices that enclose it.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.ts <= ts) lo = mid + 1;
      else hi = mid;
    }
    for (let j = lo - 1; j >= 0; j = parent[j]!) if (list[j]!.end >= ts) return true;
    return false;
  };
  for (const [id, fl] of flows) {
    if (fl.s.length !== 1 || fl.f.length !== 1) {
      problems.push(`flow ${id}: ${fl.s.length} start(s) and ${fl.f.length} finish(es), want one of each`);
      continue;
    }
    const [s, f] = [fl.s[0]!, fl.f[0]!];
    if (events[f]!.ts! < events[s]!.ts!)
      problems.push(`flow ${id}: finishes at ${events[f]!.ts} before it starts at ${events[s]!.ts}`);
    for (const i of [s, f])
      if (!enclosed(i)) bad(i, `flow ${id} endpoint at ts ${events[i]!.ts} is inside no slice on its track`);
  }
  return problems;
}
