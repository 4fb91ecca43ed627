import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RandomChooser } from "../../src/engine/chooser.js";
import { Engine } from "../../src/engine/engine.js";
import type { SimEvent } from "../../src/events/index.js";
import { Fingerprinter, fingerprint, varsHash, varsHashUpdate } from "../../src/explore/fingerprint.js";
import { StateSet, fingerprintString } from "../../src/explore/state-set.js";
import { machineInvariants } from "../../src/invariants/index.js";
import { kernelSystem } from "../../src/run/system.js";
import { engineOptions, scenarioInitialState } from "../../src/run/simulate.js";
import { tablesOf } from "../../src/scenario/initial-state.js";
import { allocatorOf, builtin, builtinIds } from "../support/sim.js";

describe("the shared-variable part of the exploration fingerprint", () => {
  it("kept up to date from var events equals recomputing it from the variables", () => {
    const name = fc.constantFrom("cpu_last_asid", "asid_generation", "active_asids[0]", "A.context.id", "asid_map[3]");
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.integer({ min: 0, max: 5 })), { maxLength: 40 }), (writes) => {
        const vars: Record<string, number> = {};
        let h = varsHash(vars);
        for (const [k, value] of writes) {
          const old = vars[k] ?? 0;
          vars[k] = value;
          h = varsHashUpdate(h, k, old, value);
        }
        expect(h).toBe(varsHash(vars));
      }),
    );
  });

  it("does not depend on the order the variables were created in", () => {
    expect(varsHash({ a: 1, b: 2, c: 0 })).toBe(varsHash({ c: 0, b: 2, a: 1 }));
    expect(varsHash({ a: 1, b: 2 })).not.toBe(varsHash({ a: 2, b: 1 }));
  });
});

describe("the exploration fingerprint kept up to date from events", () => {
  // If a new event type writes page tables (or shared variables) and Fingerprinter.observe does not
  // know it, this fails: the kept parts would go stale.
  it.each(builtinIds)("equals the one recomputed from the whole state after every event of %s", (id) => {
    const scenario = builtin(id);
    const allocator = allocatorOf(scenario);
    const state = scenarioInitialState(scenario, allocator);
    const fp = new Fingerprinter(state, tablesOf(scenario));
    let checked = 0;
    const sink = (ev: SimEvent): void => {
      fp.observe(state, ev);
      expect(fp.string(state)).toBe(fingerprint(state));
      checked++;
    };
    const engine = new Engine(
      engineOptions(scenario),
      state,
      new RandomChooser(5, scenario.machine.speculation.rate),
      machineInvariants,
    );
    engine.events.subscribe(sink);
    engine.run(kernelSystem(scenario, state, allocator));
    expect(checked).toBeGreaterThan(10);
  });
});

describe("StateSet", () => {
  it("counts distinct pairs as a Set of their strings does", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 })), { maxLength: 3000 }),
        (pairs) => {
          const set = new StateSet();
          const ref = new Set<string>();
          for (const [a, b] of pairs) {
            expect(set.add(a, b)).toBe(!ref.has(fingerprintString(a, b)));
            ref.add(fingerprintString(a, b));
          }
          expect(set.size).toBe(ref.size);
          expect(new Set(set.strings())).toEqual(ref);
        },
      ),
    );
  });
});

describe("StateSet's limit and packing", () => {
  it("stops at its limit and says so; packed sets merge to the union", () => {
    const small = new StateSet(10);
    for (let i = 0; i < 20; i++) small.add(i, i * 7);
    expect([small.size, small.capped]).toEqual([10, true]);
    const a = new StateSet();
    const b = new StateSet();
    for (let i = 0; i < 3000; i++) (i % 2 ? a : b).add(i % 1000, 1);
    const merged = new StateSet();
    merged.addPacked(a.packed());
    merged.addPacked(b.packed());
    expect([merged.size, merged.capped]).toEqual([1000, false]);
    merged.addPacked(small.packed());
    expect(merged.capped).toBe(true);
  });
});
