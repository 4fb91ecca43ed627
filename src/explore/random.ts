/**
 * Seeded random schedules: schedule i uses seed + i, so any schedule is found again by its index, and
 * a worker that takes every k-th index runs exactly the schedules one worker would.
 */
import { RandomChooser } from "../engine/chooser.js";
import type { Strategy, StrategyOptions } from "./strategy.js";

export function randomStrategy(o: StrategyOptions): Strategy {
  let i = 0;
  return {
    name: "random",
    exhaustive: false,
    lastIndex: -1,
    next() {
      this.lastIndex = o.share.index + o.share.of * i++;
      // Exploration ignores virtual time (any interleaving), unlike a plain `run`.
      return new RandomChooser(o.seed + this.lastIndex, o.specRate);
    },
    done: () => undefined,
  };
}
