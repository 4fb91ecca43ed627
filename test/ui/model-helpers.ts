/** Viewer models over runs made in memory (no log file, no server), for the API tests. */
import { scenarioInitialState } from "../../src/run/simulate.js";
import type { OpenedLog } from "../../src/timetravel/open.js";
import { Timeline } from "../../src/timetravel/timeline.js";
import { ViewerModel } from "../../src/ui/viewer-model.js";
import { allocatorOf, builtin, loadedLogOf, runWith, type Run } from "../support/sim.js";

const runs = new Map<string, Run>();

export function runOf(id: string, seed = 1): Run {
  const key = `${id}/${seed}`;
  let r = runs.get(key);
  if (!r) runs.set(key, (r = runWith(builtin(id), { seed })));
  return r;
}

export function openedOf(r: Run): OpenedLog {
  const allocator = allocatorOf(r.scenario);
  const { lines: _lines, ...loaded } = loadedLogOf(r);
  const violation = loaded.events.find((e) => e.type === "violation");
  const log = {
    ...loaded,
    violation: violation?.type === "violation" ? violation : null,
    types: new Set(loaded.events.map((e) => e.type)),
  };
  return {
    path: `${r.scenario.id}-seed${r.seed}.log`,
    log,
    scenario: r.scenario,
    allocator,
    initial: () => scenarioInitialState(r.scenario, allocator),
    snapshots: null,
  };
}

export function modelOf(r: Run, k = 64): ViewerModel {
  const opened = openedOf(r);
  return new ViewerModel(opened, new Timeline(opened.initial(), opened.log.events, k));
}
