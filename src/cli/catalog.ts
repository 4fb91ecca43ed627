/**
 * What the CLI needs from `scenarios/`. The composition root (bin/smpsim.js) passes it in, so `src`
 * does not import `scenarios` (dependencies point scenarios → src, DESIGN.md).
 */
import type { Scenario } from "../scenario/types.js";

export interface LoadedScenario {
  scenario: Scenario;
  baseDir: string;
  source: string;
}

export interface Catalog {
  /** `shownBy`: "run" (a run as listed violates), "explore" (only a search finds it) or "-". */
  list(): readonly { id: string; description: string; expect: string; shownBy?: string }[];
  load(nameOrPath: string): LoadedScenario;
  /** Validates a resolved scenario read back from a log header. */
  check(raw: unknown, where: string): Scenario;
}
