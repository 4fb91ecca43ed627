/**
 * Seeded random schedules: schedule i uses seed + i, so any schedule is found again by its index, and
 * a worker that takes every k-th index runs exactly the schedules one worker would.
 */
import { RandomChooser } from "../engine/chooser.js";
import { indexedStrategy, type Strategy, type StrategyOptions } from "./strategy.js";

export function randomStrategy(o: StrategyOptions): Strategy {
  // Exploration ignores virtual time (any interleaving), unlike a plain `run`.
  return indexedStrategy("random", o.share, (index) => new RandomChooser(o.seed + index, o.specRate));
}
