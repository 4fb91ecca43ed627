import { describe, expect, it } from "vitest";
import { RandomChooser } from "../../src/engine/chooser.js";
import { Engine } from "../../src/engine/engine.js";
import { SpeculativeWalks } from "../../src/engine/speculation.js";
import type { SimEvent } from "../../src/events/index.js";
import { machineInvariants } from "../../src/invariants/index.js";
import { kernelSystem } from "../../src/run/system.js";
import { engineOptions, scenarioInitialState } from "../../src/run/simulate.js";
import { allocatorOf, builtin, builtinIds } from "../support/sim.js";

describe("the speculative walks kept per core", () => {
  // If a new event type changes registers, TLBs or tables and SpeculativeWalks files it under
  // NO_EFFECT or OWN_CORE wrongly, the kept lists go stale and this fails.
  it.each(builtinIds)("equal the ones listed afresh after every event of %s (speculation on)", (id) => {
    const base = builtin(id);
    const scenario = { ...base, machine: { ...base.machine, speculation: { ...base.machine.speculation, enabled: true } } };
    const allocator = allocatorOf(scenario);
    const state = scenarioInitialState(scenario, allocator);
    const opts = engineOptions(scenario);
    const kept = new SpeculativeWalks(opts);
    let checked = 0;
    const sink = (ev: SimEvent): void => {
      kept.seen(ev);
      const fresh = new SpeculativeWalks(opts);
      for (let c = 0; c < opts.cores; c++) expect([...kept.of(state, c)]).toEqual([...fresh.of(state, c)]);
      checked++;
    };
    const engine = new Engine(opts, state, new RandomChooser(3, 0.2), machineInvariants);
    engine.events.subscribe(sink);
    engine.run(kernelSystem(scenario, state, allocator));
    expect(checked).toBeGreaterThan(10);
  });
});
