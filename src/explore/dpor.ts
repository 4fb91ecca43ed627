/** Placeholder until DPOR lands: runs DFS. */
import { dfsStrategy } from "./dfs.js";
import type { Strategy, StrategyOptions } from "./strategy.js";

export function dporStrategy(o: StrategyOptions): Strategy {
  return { ...dfsStrategy({ ...o, preemptions: Infinity }), name: "dpor" };
}
