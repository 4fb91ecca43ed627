/** The figures of a stateful search, in SPIN's terms (its "State-vector ... / states, stored" block). */
import type { ExploreResult, StatefulReport } from "../explore/explorer.js";

const STORE_NAMES = {
  exact: "exact (full state encoding)",
  hash: "hash compaction (64 bits a state)",
  bitstate: "bitstate (3 bits a state)",
};

export function statefulLines(r: StatefulReport, result: ExploreResult): string[] {
  const perState = r.statesStored > 0 ? Math.round(r.storeBytes / r.statesStored) : 0;
  const bound = result.preemptionBound !== undefined ? `within ${result.preemptionBound} preemptions` : "unbounded";
  const dpor = result.strategy === "dpor";
  const lines = [
    `stateful ${dpor ? "DPOR (a prune carries the races of what was explored below the state)" : "search"}, ${STORE_NAMES[r.store]}, ${bound}:`,
    `  ${r.statesStored} states, stored`,
    `  ${r.statesMatched} states, matched`,
    `  ${r.transitions} transitions (= stored+matched)`,
    `  depth reached ${r.depthReached} (choice points on one path)`,
    `  ${(r.storeBytes / 1048576).toFixed(2)} MB state store (${perState} bytes a stored state)`,
    `  ${r.resumed} executions resumed from a stored state's snapshot${r.startedOver ? `, ${r.startedOver} started over (programs' replay failed)` : ""}`,
  ];
  // DPOR's own reduction stands for local steps (local-steps.ts), which only stateful DFS takes.
  if (!dpor)
    lines.splice(
      6,
      0,
      `  ${r.localSteps} choice points where the core that ran last took a local step alone (partial-order reduction)`,
    );
  if (r.symmetry) {
    lines.push(
      `  symmetry reduction: ${r.symmetry.groups} group${r.symmetry.groups === 1 ? "" : "s"}, each state canonicalised over ${r.symmetry.permutations} permutations`,
    );
  }
  if (r.store !== "exact") {
    lines.push(
      `  expected states missed by hash collisions: ${r.expectedMissed.toPrecision(3)}${r.hashFactor !== undefined ? ` (hash factor ${r.hashFactor.toFixed(1)}; best above 100)` : ""}`,
    );
  }
  return lines;
}
