/**
 * Each event changes only the parts of the state its spec declares (src/events/*-spec.ts): the
 * fingerprint and the speculative-walk cache skip recomputing everything else, so an undeclared change
 * would make exploration miss states or the engine miss a walk. Checked on every event of runs of the
 * built-in scenarios, comparing the state before and after it.
 */
import { describe, expect, it } from "vitest";
import type { TlbEntry } from "../../cores/tlb.js";
import type { CoreState } from "../../cores/core-state.js";
import type { SimEvent } from "../../src/events/index.js";
import type { CoreArea, SharedArea } from "../../src/events/spec.js";
import { EVENT_SPECS } from "../../src/events/specs.js";
import type { MachineState } from "../../src/state/machine-state.js";
import { scenarioInitialState } from "../../src/run/simulate.js";
import { allocatorOf, builtin, builtinIds, runWith } from "../support/sim.js";
import { thaw } from "../../src/timetravel/copy.js";

/** Events checked per run (a copy of the state after each: the longest runs are cut here). */
const CHECKED = 1200;
const upTo = new Set(Array.from({ length: CHECKED }, (_, i) => i + 1));

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const contents = (tlb: readonly TlbEntry[]) => tlb.map(({ lastUsed: _lastUsed, ...e }) => e);

/** The areas of core `c` that differ between two states. */
function coreChanges(a: MachineState, b: MachineState, c: number): CoreArea[] {
  const x: CoreState = a.cores[c]!;
  const y: CoreState = b.cores[c]!;
  const out: CoreArea[] = [];
  // The interrupt depth goes with the registers (a taken IPI masks interrupts and enters the handler).
  if (!same(x.regs, y.regs) || x.inIrq !== y.inIrq) out.push("regs");
  // A walk cache (machine.walkCache) goes with the TLB: the same fills and maintenance change it.
  if (!same(contents(x.tlb), contents(y.tlb)) || !same(x.walkCache, y.walkCache)) out.push("tlb");
  else if (!same(x.tlb, y.tlb)) out.push("lru");
  if (x.done !== y.done) out.push("done");
  if (
    !same(
      [x.wait, x.ipiAcksOutstanding, x.ipiAcksAwaited, x.tlbiAcksOutstanding],
      [y.wait, y.ipiAcksOutstanding, y.ipiAcksAwaited, y.tlbiAcksOutstanding],
    )
  )
    out.push("wait");
  if (x.task !== y.task) out.push("task");
  if (!same([x.ctx, x.maxGeneration], [y.ctx, y.maxGeneration])) out.push("ctx");
  const [g, h] = [a.hyp?.cores[c], b.hyp?.cores[c]];
  if (!same([g?.inGuest, g?.vm, g?.vmid, g?.gen], [h?.inGuest, h?.vm, h?.vmid, h?.gen])) out.push("guest");
  if (!same([g?.vcpu, g?.host], [h?.vcpu, h?.host])) out.push("vcpu");
  return out;
}

function sharedChanges(a: MachineState, b: MachineState): SharedArea[] {
  const out: SharedArea[] = [];
  if (!same(a.vars, b.vars)) out.push("vars");
  if (!same(a.locks, b.locks)) out.push("locks");
  if (!same(a.tasks, b.tasks)) out.push("tasks");
  if (!same([a.tables, a.pt], [b.tables, b.pt])) out.push("tables");
  if (!same(a.stale, b.stale)) out.push("stale");
  if (!same([a.inflight, a.nextMsgId], [b.inflight, b.nextMsgId])) out.push("inflight");
  if (!same([a.hyp?.vcpus, a.hyp?.owner, a.hyp?.sharedPage], [b.hyp?.vcpus, b.hyp?.owner, b.hyp?.sharedPage])) out.push("vcpus");
  return out;
}

function undeclared(before: MachineState, after: MachineState, ev: SimEvent): string[] {
  const { own, shared } = EVENT_SPECS[ev.type].changes;
  const out: string[] = [];
  for (let c = 0; c < before.cores.length; c++) {
    for (const area of coreChanges(before, after, c)) {
      if (c !== ev.core) out.push(`core ${c}'s ${area} (not the event's core ${ev.core})`);
      else if (!(own as readonly string[]).includes(area)) out.push(`own ${area}`);
    }
  }
  for (const area of sharedChanges(before, after)) if (!(shared as readonly string[]).includes(area)) out.push(`shared ${area}`);
  return out;
}

describe("event specs declare what the reducer changes", () => {
  for (const id of builtinIds) {
    it(`on every event of ${id} (seed 1)`, () => {
      const scenario = builtin(id);
      const run = runWith(scenario, { snapshots: upTo });
      const problems = new Map<string, string>();
      let before = thaw(scenarioInitialState(scenario, allocatorOf(scenario)));
      run.events.slice(0, CHECKED).forEach((ev, i) => {
        const after = run.after.get(i + 1)!;
        for (const p of undeclared(before, after, ev))
          if (!problems.has(`${ev.type}: ${p}`)) problems.set(`${ev.type}: ${p}`, `#${ev.seq}`);
        before = after;
      });
      expect([...problems].map(([p, at]) => `${p} (first at ${at})`)).toEqual([]);
    });
  }
});
