/**
 * The run's one seeded generator (xoroshiro128+, pure-rand). Each draw decides a choice, and every
 * choice is logged, so the seed is only needed to make a new run, never to replay one.
 */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

export class Prng {
  private readonly rng;
  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed | 0);
  }
  /** Uniform integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : uniformInt(this.rng, 0, n - 1);
  }
  /** True with probability p (to 1/1,000,000). */
  chance(p: number): boolean {
    return uniformInt(this.rng, 0, 999_999) < Math.round(p * 1_000_000);
  }
}
