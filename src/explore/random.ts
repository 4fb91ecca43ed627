/** Seeded random schedules: execution i uses seed + i, so any schedule is found again by its index. */
import { RandomChooser } from "../engine/chooser.js";
import type { Strategy, StrategyOptions } from "./strategy.js";

export function randomStrategy(o: StrategyOptions): Strategy {
  let i = 0;
  return {
    name: "random",
    exhaustive: false,
    // Exploration ignores virtual time (any interleaving), unlike a plain `run`.
    next: () => new RandomChooser(o.seed + i++, o.specRate),
    done: () => undefined,
  };
}
