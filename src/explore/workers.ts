/** Placeholder: worker threads land next. */
import { explore, type ExploreRequest, type ExploreResult } from "./explorer.js";

export async function exploreInWorkers(req: ExploreRequest, _where: unknown, _k: number): Promise<ExploreResult> {
  return explore(req);
}
