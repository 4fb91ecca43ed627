/**
 * Seeded random schedules: schedule i uses seed + i, so any schedule is found again by its index, and
 * a worker that takes every k-th index runs exactly the schedules one worker would.
 */
import { RandomChooser } from "../engine/chooser.js";
import { nextIndex, type Strategy, type StrategyOptions } from "./strategy.js";

export function randomStrategy(o: StrategyOptions): Strategy {
  let i = 0;
  return {
    name: "random",
    exhaustive: false,
    lastIndex: -1,
    next() {
      const index = nextIndex(o.share, i++);
      if (index === null) return null;
      this.lastIndex = index;
      // Exploration ignores virtual time (any interleaving), unlike a plain `run`.
      return new RandomChooser(o.seed + this.lastIndex, o.specRate);
    },
    done: () => undefined,
  };
}
