/**
 * Runs one queue unit on this thread with the strategies of a local search: random and PCT take the
 * indices of their range (each schedule is made from its search-wide index alone, so the schedules
 * are those one thread runs for them), DFS the subtree below its prefix, DPOR the whole search.
 */
import { resolve } from "node:path";
import { resolveModules } from "../modules/resolve.js";
import type { Scenario } from "../scenario/types.js";
import { explore, type ExploreRequest } from "../explore/explorer.js";
import type { QueueUnit, UnitResult } from "./unit.js";

/** `cut` Int32 [0]: units past it stop (unit.ts `keys.cut`); `onProgress`: schedules run so far. */
export async function runQueueUnit(
  unit: QueueUnit,
  baseDir: string,
  cut: Int32Array,
  onProgress: (schedules: number) => void,
): Promise<UnitResult> {
  const allocator = await resolveModules(localScenario(unit, baseDir), baseDir);
  const cutNow = (): number => Atomics.load(cut, 0);
  let next = unit.range?.[0] ?? 0; // the next index of the range to hand out
  const share = unit.range
    ? { index: 0, of: 1, claim: () => (next < unit.range![1] ? next++ : -1) }
    : unit.prefix
      ? { index: 0, of: 1, prefix: unit.prefix }
      : { index: 0, of: 1 };
  let stopped = false;
  const req: ExploreRequest = {
    target: { scenario: localScenario(unit, baseDir), allocator },
    strategy: unit.strategy,
    budget: unit.budget,
    seed: unit.seed,
    depth: unit.depth,
    preemptions: unit.preemptions,
    ...(unit.dporPreemptions !== undefined ? { dporPreemptions: unit.dporPreemptions } : {}),
    share,
    keepFingerprints: true,
    onProgress: (p) => onProgress(p.schedules),
    // Random/PCT: a violation at a smaller index elsewhere makes the rest of the range moot.
    ...(unit.range ? { stopAt: () => (cutNow() < 0 ? -1 : cutNow()) } : {}),
    proceed: () => {
      // DFS: an earlier subtree's violation (or the budget spent before this one) makes it moot.
      const c = cutNow();
      if (c < 0 || (unit.prefix && c < unit.n)) stopped = true;
      return !stopped;
    },
  };
  const r = explore(req);
  const cutShort = unit.range ? r.found === null && r.schedules < unit.range[1] - unit.range[0] : stopped;
  const seen = r.fingerprints!.seen;
  return {
    n: unit.n,
    state: r.found ? "found" : cutShort || r.exhausted === false ? "stopped" : "done",
    schedules: r.schedules,
    events: r.events,
    exhausted: r.exhausted,
    found: r.found,
    finals: r.fingerprints!.finals,
    seen: { hi: b64(seen.hi), lo: b64(seen.lo), capped: seen.capped },
  };
}

const b64 = (a: Uint32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

export function unb64(s: string): Uint32Array {
  const b = Buffer.from(s, "base64");
  const out = new Uint32Array(b.length / 4);
  Buffer.from(out.buffer).set(b);
  return out;
}

/** The scenario with each user module's field naming this machine's copy (checked by the worker process). */
function localScenario(unit: QueueUnit, baseDir: string): Scenario {
  const s = structuredClone(unit.scenario) as unknown as Record<string, Record<string, unknown>>;
  for (const m of unit.modules) {
    const [section, key] = m.field.split(".") as [string, string];
    s[section]![key] = resolve(baseDir, m.path);
  }
  return s as unknown as Scenario;
}
