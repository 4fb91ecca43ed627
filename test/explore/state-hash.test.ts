/**
 * state-hash.ts hashes a state without building its key (state-key.ts): the hash and bitstate stores
 * prune on it, so it must be a function of the key (equal keys, equal hashes: else a revisit is
 * explored again, and the search may not end on a cycle) and separate different keys (else a state is
 * wrongly pruned). Checked on the states at every scheduling choice point of random runs of small
 * scenarios (roll-overs, TLBIs in flight, speculative walks and walk caches, a hypervisor), and on a
 * state whose records were built in another insertion order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RandomChooser } from "../../src/engine/chooser.js";
import { execute } from "../../src/explore/execution.js";
import { ProgramTrace } from "../../src/explore/program-trace.js";
import { stateHash } from "../../src/explore/state-hash.js";
import { stateKey } from "../../src/explore/state-key.js";
import { MessagesInFlight } from "../../src/state/in-flight.js";
import type { MachineState } from "../../src/state/machine-state.js";
import { thaw } from "../../src/timetravel/copy.js";
import { builtinTarget } from "./explore-helpers.js";

const hashOf = (s: MachineState, trace: ProgramTrace, last: number): string => {
  const out = new Uint32Array(2);
  stateHash(s, trace, last, out);
  return `${out[0]}.${out[1]}`;
};

/** Every record of `v` rebuilt with its keys inserted in reverse order (arrays keep theirs). */
function reversed<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  // The messages in flight iterate by id, whatever order they were sent in (in-flight.ts).
  if (v instanceof MessagesInFlight) return v;
  if (Array.isArray(v)) return v.map(reversed) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).reverse()) out[k] = reversed((v as Record<string, unknown>)[k]);
  return out as T;
}

describe("the state hash", () => {
  const scenarios = ["asid-small-arm64", "tlb-shootdown-munmap", "walk-cache-table-free", "a15-vmid-small"];
  it.each(scenarios)(
    "%s: equal for two states exactly when their keys are equal, whatever the records' key order",
    async (name) => {
      const t = await builtinTarget(name);
      const cores = t.scenario.machine.cores;
      const byKey = new Map<string, string>();
      const byHash = new Map<string, string>();
      let repeats = 0;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 1 }), (seed, lanes) => {
          // Program traces of a few values only, so that states meet again and equal keys are seen too.
          const trace = new ProgramTrace(cores);
          let choice = 0;
          execute(t, new RandomChooser(seed, 0.2), {
            onEvent: (ev, state) => {
              if (ev.type !== "choice" || ev.kind !== "step" || choice++ % 7 !== 0) return;
              for (let c = 0; c < cores; c++) {
                trace.a[c] = c;
                trace.b[c] = lanes;
              }
              const last = ev.pick % 2;
              const key = stateKey(state, trace, last);
              const hash = hashOf(state, trace, last);
              if (byKey.has(key)) repeats++;
              expect(byKey.get(key) ?? hash).toBe(hash);
              expect(byHash.get(hash) ?? key).toBe(key);
              byKey.set(key, hash);
              byHash.set(hash, key);
              if (choice % 5 === 1) expect(hashOf(reversed(state), trace, last)).toBe(hash);
            },
          });
        }),
        { numRuns: name === "a15-vmid-small" ? 3 : 8, seed: 19 },
      );
      // States repeat (equal keys met again) and differ (many keys): both halves of the claim were tried.
      expect(byKey.size).toBeGreaterThan(20);
      // (a15-vmid-small's runs part at their first choices; its states are compared with reordered copies.)
      if (name !== "a15-vmid-small") expect(repeats).toBeGreaterThan(0);
    },
    30_000,
  );

  it("tells apart the values that encode differently", () => {
    const trace = new ProgramTrace(1);
    const base = { vars: { x: 1 } } as unknown as MachineState;
    const variants = [{ x: "1" }, { x: true }, { x: [1] }, { x: null }, { x: undefined }, {}, { y: 1 }, { x: 2 ** 32 + 1 }];
    const full = (vars: object): MachineState =>
      ({ ...base, vars, cores: [], tables: {}, tasks: {}, inflight: new MessagesInFlight() }) as never;
    const seen = new Set([hashOf(full(base.vars), trace, 0)]);
    for (const v of variants) seen.add(hashOf(full(v), trace, 0));
    expect(seen.size).toBe(variants.length + 1);
  });

  it("keeps what the key keeps of TLB last uses, ready order, messages and tables", async () => {
    const t = await builtinTarget("tlb-shootdown-munmap");
    let state: MachineState | null = null;
    execute(t, new RandomChooser(3, 0), {
      onEvent: (_ev, s) => {
        if (!state && s.cores[0]!.tlb.length >= 2 && s.inflight.size === 0) state = thaw(s);
      },
    });
    const s = state!;
    const trace = new ProgramTrace(s.cores.length);
    const same = (a: MachineState, b: MachineState): void => {
      expect(hashOf(a, trace, 0)).toBe(hashOf(b, trace, 0));
      expect(stateKey(a, trace, 0)).toBe(stateKey(b, trace, 0));
    };
    const differ = (a: MachineState, b: MachineState): void => {
      expect(hashOf(a, trace, 0)).not.toBe(hashOf(b, trace, 0));
      expect(stateKey(a, trace, 0)).not.toBe(stateKey(b, trace, 0));
    };
    const edit = (f: (c: MachineState) => void): MachineState => {
      const c = thaw(s);
      f(c);
      return c;
    };
    // LRU order matters, the sequence numbers themselves do not.
    const [e0, e1] = s.cores[0]!.tlb;
    differ(
      s,
      edit((c) => ([c.cores[0]!.tlb[0]!.lastUsed, c.cores[0]!.tlb[1]!.lastUsed] = [e1!.lastUsed, e0!.lastUsed])),
    );
    same(
      s,
      edit((c) => (c.cores[0]!.tlb[0]!.lastUsed += e0!.lastUsed < e1!.lastUsed ? 0 : 1000)),
    );
    // Messages: a multiset (ids and times left out).
    const msg = { id: 7, kind: "ipi", from: 0, to: 1, ipi: "x", arg: 0, sentAt: 1, deliverAt: 2 };
    const one = edit((c) => c.inflight.put(msg as never));
    const other = edit((c) => c.inflight.put({ ...msg, id: 9, sentAt: 5 } as never));
    same(one, other);
    differ(
      one,
      edit((c) => c.inflight.put({ ...msg, arg: 1 } as never)),
    );
    differ(
      one,
      edit((c) => {
        c.inflight.put(msg as never);
        c.inflight.put({ ...msg, id: 8 } as never);
      }),
    );
    // Tasks' readySince: as a rank.
    const ids = Object.keys(s.tasks);
    if (ids.length >= 2) {
      const swap = edit((c) => {
        const [a, b] = [c.tasks[ids[0]!]!, c.tasks[ids[1]!]!];
        [a.readySince, b.readySince] = [5, 9];
      });
      differ(
        swap,
        edit((c) => ((c.tasks[ids[0]!]!.readySince = 9), (c.tasks[ids[1]!]!.readySince = 5))),
      );
      same(
        swap,
        edit((c) => ((c.tasks[ids[0]!]!.readySince = 50), (c.tasks[ids[1]!]!.readySince = 90))),
      );
    }
    // A table by its content, frozen (the scenario's) or not.
    const id = Object.keys(s.tables)[0]!;
    const thawed = edit((c) => (c.tables[id] = { ...s.tables[id]! }));
    const frozen = edit((c) => (c.tables[id] = Object.freeze({ ...s.tables[id]! })));
    same(thawed, frozen);
    const pte = Object.values(s.tables[id]!)[0]!;
    differ(
      thawed,
      edit((c) => (c.tables[id] = { ...s.tables[id]!, 12345: pte })),
    );
  });
});
