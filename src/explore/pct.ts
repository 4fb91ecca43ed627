/**
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010):
 * every thread gets a random distinct priority, the highest-priority enabled thread runs, and at d − 1
 * random steps the running thread drops below all others. With n threads and k steps, a bug of depth d
 * is found by each execution with probability at least 1 / (n · k^(d−1)).
 *
 * Threads here are the engine's ready-item keys: cores, bus messages (each delivery its own thread),
 * speculative walks. Program and replacement choices are drawn at random.
 */
import type { ChoiceKind, Chooser, StepOption } from "../engine/chooser.js";
import { Prng } from "../engine/prng.js";
import { indexedStrategy, type Strategy, type StrategyOptions } from "./strategy.js";

class PctChooser implements Chooser {
  private readonly priority = new Map<number, number>();
  private readonly changeAt: Map<number, number>;
  private step = 0;

  constructor(
    private readonly prng: Prng,
    depth: number,
    steps: number,
  ) {
    this.changeAt = new Map();
    for (let j = 1; j < depth; j++) this.changeAt.set(1 + prng.below(Math.max(1, steps)), j);
  }

  private prio(key: number): number {
    let p = this.priority.get(key);
    if (p === undefined) {
      // Initial priorities sit above every change-point priority (1 .. d−1); distinct with certainty
      // is not needed, ties go to the first listed.
      p = 1_000 + this.prng.below(1_000_000);
      this.priority.set(key, p);
    }
    return p;
  }

  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number {
    if (kind !== "step") return this.prng.below(of);
    let best = 0;
    for (let i = 1; i < of; i++) if (this.prio(options[i]!.key) > this.prio(options[best]!.key)) best = i;
    return best;
  }

  stepped(key: number): void {
    this.prio(key);
    this.step++;
    const j = this.changeAt.get(this.step);
    if (j !== undefined) this.priority.set(key, j);
  }
}

export function pctStrategy(o: StrategyOptions): Strategy {
  return indexedStrategy("pct", o.share, (index) => new PctChooser(new Prng(o.seed + index), o.depth, o.steps));
}
