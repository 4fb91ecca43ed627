/**
 * Roll-over runs the roll-over tests share: loads with more mms than a generation has ASIDs, under each
 * allocator, on 1, 2 and 4 cores, three seeds each, run once per test file.
 */
import type { SimEvent } from "../../src/events/index.js";
import type { RunResult } from "../../src/run/run-scenario.js";
import type { Scenario } from "../../src/scenario/types.js";
import { is, load, run } from "./kernel-helpers.js";

export const ALLOCATORS = ["linux-2.6.36", "linux-3.10", "linux-4.x", "arm64", "arm64-xchg"] as const;
export const BITMAP = ["linux-4.x", "arm64", "arm64-xchg"] as const;
/** 3-bit ASIDs everywhere; 2 bits where 4 cores do not rule it out (every allocator needs more ASIDs than CPUs). */
export const SHAPES = [
  { cores: 1, bits: 3 },
  { cores: 1, bits: 2 },
  { cores: 2, bits: 3 },
  { cores: 2, bits: 2 },
  { cores: 4, bits: 3 },
] as const;
export const SEEDS = [1, 2, 3];

export interface Run {
  scenario: Scenario;
  seed: number;
  r: RunResult;
}

const cache = new Map<string, Promise<Run[]>>();

/**
 * Runs of a load with more mms than a generation has ASIDs (2^bits + 2 of them), each running four
 * slices. `pinned`: task Mi only on core i % cores, so no mm is current on two cores at once; otherwise
 * tasks migrate on a global run queue and mm T has a thread on core 0 and on the last core.
 */
export function runs(allocator: string, cores: number, bits: number, pinned: boolean): Promise<Run[]> {
  const key = `${allocator}/${cores}/${bits}/${pinned}`;
  let p = cache.get(key);
  if (!p) {
    const scenario = load({
      id: `rollover-${allocator}-${cores}c-${bits}b${pinned ? "-pinned" : ""}`,
      cores,
      asidBits: bits,
      allocator,
      mms: 2 ** bits + 2,
      slices: 4,
      pinned,
      ...(pinned || cores === 1 ? {} : { threadsOn: [0, cores - 1] }),
    });
    p = Promise.all(SEEDS.map(async (seed) => ({ scenario, seed, r: await run(scenario, seed) })));
    cache.set(key, p);
  }
  return p;
}

export const rollovers = (events: readonly SimEvent[]) => events.filter(is("asid.rollover"));
export const first = <T>(xs: readonly T[]): T | undefined => xs[0];
