/**
 * The armv8 memory model's cost (issue 12): `run` events/s of the default scenario and random
 * exploration's schedules/s of the munmap twin, each under sc and under armv8 in the same process (the
 * median of 3 after a warm-up), so the two columns compare on one machine at one moment.
 */
import { performance } from "node:perf_hooks";
import { explore } from "../explore/explorer.js";
import { resolveAllocator } from "../kernel/asid/registry.js";
import { makeChooser } from "../run/run-scenario.js";
import { simulate } from "../run/simulate.js";
import type { MemoryModel, Scenario } from "../scenario/types.js";
import { median } from "./measure.js";

export interface Armv8Row {
  what: string;
  model: MemoryModel;
  rate: number;
  unit: "events/s" | "schedules/s";
}

const withModel = (s: Scenario, memoryModel: MemoryModel): Scenario => ({ ...s, machine: { ...s.machine, memoryModel } });

export async function armv8Section(runScenario: Scenario, exploreScenario: Scenario, quick: boolean): Promise<Armv8Row[]> {
  const rows: Armv8Row[] = [];
  const runs = quick ? 2 : 20;
  const budget = quick ? 200 : 5000;
  for (const model of ["sc", "armv8"] as const) {
    const s = withModel(runScenario, model);
    const allocator = await resolveAllocator(s.kernel.asidAllocator, process.cwd());
    const once = (): number => {
      let events = 0;
      const t0 = performance.now();
      for (let seed = 1; seed <= runs; seed++) {
        events += simulate(
          s,
          allocator,
          makeChooser("random", seed, s.machine.speculation.rate, s.schedule.windowCycles),
          () => {},
        ).outcome.events;
      }
      return events / ((performance.now() - t0) / 1000);
    };
    once();
    rows.push({ what: `run ${runScenario.id} (${runs} seeds)`, model, rate: median([once(), once(), once()]), unit: "events/s" });
  }
  for (const model of ["sc", "armv8"] as const) {
    const s = withModel(exploreScenario, model);
    const target = { scenario: s, allocator: await resolveAllocator(s.kernel.asidAllocator, process.cwd()) };
    const once = (): number => {
      const t0 = performance.now();
      const r = explore({ target, strategy: "random", budget, seed: 1, depth: 3, preemptions: 2 });
      return r.schedules / ((performance.now() - t0) / 1000);
    };
    once();
    rows.push({
      what: `explore ${exploreScenario.id} random (${budget} schedules)`,
      model,
      rate: median([once(), once(), once()]),
      unit: "schedules/s",
    });
  }
  return rows;
}

export function formatArmv8(rows: readonly Armv8Row[]): string {
  const out = ["armv8 memory model (machine.memoryModel; same process, median of 3)"];
  for (const r of rows)
    out.push(`  ${r.what.padEnd(58)} ${r.model.padEnd(6)} ${Math.round(r.rate).toLocaleString("en-US").padStart(12)} ${r.unit}`);
  return out.join("\n");
}
