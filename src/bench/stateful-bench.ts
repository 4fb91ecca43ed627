/**
 * Stateful search against stateless DPOR (issue 19): stateless DPOR, stateful DFS (with symmetry
 * where the scenario declares groups) and stateful DPOR; time and memory to an exhaustive verdict,
 * states stored per second and bytes per stored state (the store's: stateful DPOR also keeps a
 * summary per state, in the heap figure), each search capped at a time limit (a row that hits it says
 * so: no verdict within the cap).
 */
import { performance } from "node:perf_hooks";
import { explore, type ExploreRequest, type ExploreResult } from "../explore/explorer.js";
import { resolveAllocator } from "../kernel/asid/registry.js";
import type { Scenario } from "../scenario/types.js";

export interface StatefulRow {
  scenario: string;
  search: string;
  schedules: number;
  /** Stateful only: states stored and transitions. */
  states?: number;
  transitions?: number;
  bytesPerState?: number;
  seconds: number;
  /** Heap growth over the search, MB (the store and what the search keeps). */
  heapMB: number;
  exhausted: boolean;
  verdict: string;
}

export interface StatefulSection {
  capSeconds: number;
  rows: StatefulRow[];
}

function timed(req: ExploreRequest, capSeconds: number): { r: ExploreResult; seconds: number; heapMB: number } {
  const heap = process.memoryUsage().heapUsed;
  const start = performance.now();
  const r = explore({ ...req, proceed: () => (performance.now() - start) / 1000 < capSeconds });
  return {
    r,
    seconds: (performance.now() - start) / 1000,
    heapMB: Math.max(0, (process.memoryUsage().heapUsed - heap) / 1048576),
  };
}

/** A search within a preemption bound: stateless DFS against stateful DFS (issue 19's moonshot: P <= 2). */
export interface BoundedCase {
  scenario: Scenario;
  preemptions: number;
  /** What the row calls it (the scenario's id and what was changed). */
  label: string;
}

export async function statefulSection(
  scenarios: Scenario[],
  quick: boolean,
  say: (l: string) => void,
  bounded: BoundedCase[] = [],
): Promise<StatefulSection> {
  const capSeconds = quick ? 3 : 120;
  const rows: StatefulRow[] = [];
  for (const scenario of scenarios) {
    const target = { scenario, allocator: await resolveAllocator(scenario.kernel.asidAllocator, process.cwd()) };
    const base = { target, budget: 1e9, seed: 1, depth: 3, preemptions: 2 };
    say(`stateful ${scenario.id}: stateless dpor, up to ${capSeconds} s ...`);
    const d = timed({ ...base, strategy: "dpor" }, capSeconds);
    rows.push({
      scenario: scenario.id,
      search: "dpor (stateless)",
      schedules: d.r.schedules,
      seconds: d.seconds,
      heapMB: d.heapMB,
      exhausted: d.r.exhausted === true,
      verdict: d.r.found?.violation.invariant ?? "clean",
    });
    // A scenario that declares symmetry groups: a row without the reduction and one with it.
    for (const symmetry of scenario.symmetry ? [false, true] : [false]) {
      say(`stateful ${scenario.id}: stateful dfs${symmetry ? " with symmetry" : ""}, up to ${capSeconds} s ...`);
      rows.push(
        statefulRow(
          scenario,
          timed({ ...base, strategy: "dfs", preemptions: Infinity, stateful: { store: "hash", symmetry } }, capSeconds),
          `dfs --stateful (hash${symmetry ? ", symmetry" : ""})`,
        ),
      );
    }
    say(`stateful ${scenario.id}: stateful dpor, up to ${capSeconds} s ...`);
    rows.push(
      statefulRow(
        scenario,
        timed({ ...base, strategy: "dpor", stateful: { store: "hash" } }, capSeconds),
        "dpor --stateful (hash)",
      ),
    );
  }
  for (const b of bounded) {
    const target = { scenario: b.scenario, allocator: await resolveAllocator(b.scenario.kernel.asidAllocator, process.cwd()) };
    const base = { target, budget: 1e9, seed: 1, depth: 3, preemptions: b.preemptions, strategy: "dfs" as const };
    say(`stateful ${b.label}: stateless and stateful dfs within ${b.preemptions} preemptions, up to ${capSeconds} s ...`);
    const d = timed(base, capSeconds);
    rows.push({
      scenario: b.label,
      search: `dfs (stateless, P=${b.preemptions})`,
      schedules: d.r.schedules,
      seconds: d.seconds,
      heapMB: d.heapMB,
      exhausted: d.r.exhausted === true,
      verdict: d.r.found?.violation.invariant ?? "clean",
    });
    rows.push(
      statefulRow(
        b.label,
        timed({ ...base, stateful: { store: "hash" } }, capSeconds),
        `dfs --stateful (hash, P=${b.preemptions})`,
      ),
    );
  }
  return { capSeconds, rows };
}

function statefulRow(scenario: Scenario | string, s: ReturnType<typeof timed>, search: string): StatefulRow {
  const st = s.r.stateful!;
  return {
    scenario: typeof scenario === "string" ? scenario : scenario.id,
    search,
    schedules: s.r.schedules,
    states: st.statesStored,
    transitions: st.transitions,
    bytesPerState: st.statesStored ? st.storeBytes / st.statesStored : 0,
    seconds: s.seconds,
    heapMB: s.heapMB,
    exhausted: s.r.exhausted === true,
    verdict: s.r.found?.violation.invariant ?? "clean",
  };
}

export function formatStateful(s: StatefulSection): string {
  const head = [
    "scenario",
    "search",
    "schedules",
    "states stored",
    "states/s",
    "transitions/s",
    "bytes/state",
    "seconds",
    "heap MB",
    "verdict",
  ];
  const cells = s.rows.map((r) => [
    r.scenario,
    r.search,
    String(r.schedules),
    r.states === undefined ? "" : String(r.states),
    r.states === undefined ? "" : String(Math.round(r.states / r.seconds)),
    r.transitions === undefined ? "" : String(Math.round(r.transitions / r.seconds)),
    r.bytesPerState === undefined ? "" : r.bytesPerState.toFixed(0),
    r.seconds.toFixed(1),
    r.heapMB.toFixed(0),
    r.exhausted ? `${r.verdict}, exhausted` : `${r.verdict}, NOT exhausted within ${s.capSeconds} s`,
  ]);
  const all = [head, ...cells];
  const w = head.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  return [
    `stateful search against stateless DPOR (each capped at ${s.capSeconds} s; unbounded unless P is shown; hash-compaction store)`,
    ...all.map((row) => row.map((c, i) => (i < 2 || i === 9 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ")),
  ].join("\n");
}
