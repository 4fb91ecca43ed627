import { describe, expect, it } from "vitest";
import type { SimEvent } from "../../src/events/index.js";
import { addEvent, dependent, emptyFootprint, Objects, type Footprint } from "../../src/explore/footprint.js";
import { scenarioInitialState } from "../../src/run/simulate.js";
import type { MachineState } from "../../src/state/machine-state.js";
import { allocatorOf, builtin } from "../support/sim.js";

/**
 * The dependence DPOR builds from what same-asid-threads reads: it compares the core whose running
 * state changed with every core running the same mm, so the step that ends one core's switch depends
 * on the other core's switch steps (their order decides whether both run the mm under two ASIDs at
 * once), and on nothing that cannot change that answer.
 */
function twoCoresOnOneMm(): MachineState {
  const scenario = builtin("tlb-shootdown-munmap");
  const s = scenarioInitialState(scenario, allocatorOf(scenario));
  for (const c of [0, 1]) {
    const core = s.cores[c]!;
    core.ctx = { mm: "M", generation: 1, asid: c + 1 };
    core.regs.asid = c + 1;
    core.regs.ttbr0 = "M";
    core.regs.mode = "SVC";
  }
  return s;
}

const regWrite = (core: number, regs: Record<string, unknown>): SimEvent =>
  ({ seq: 0, t: 0, core, type: "reg.write", regs }) as unknown as SimEvent;

function footprintOf(s: MachineState, o: Objects, ev: SimEvent): Footprint {
  const fp = emptyFootprint();
  addEvent(fp, ev, s, o);
  return fp;
}

describe("DPOR's dependence for same-asid-threads", () => {
  it("makes the step that settles a core depend on the switch of another core running the same mm", () => {
    const s = twoCoresOnOneMm();
    const o = new Objects();
    const settle = footprintOf(s, o, regWrite(0, { asid: 1 }));
    expect(settle.reads).toContain(o.id("running:1"));
    expect(dependent(settle, footprintOf(s, o, regWrite(1, { asid: 2 })))).toBe(true);
    expect(dependent(settle, footprintOf(s, o, regWrite(1, { ttbr0: "M" })))).toBe(true);
  });

  it("leaves it independent of the other core's interrupt-mask writes, which cannot change the answer", () => {
    const s = twoCoresOnOneMm();
    const o = new Objects();
    const settle = footprintOf(s, o, regWrite(0, { asid: 1 }));
    expect(dependent(settle, footprintOf(s, o, regWrite(1, { irqOn: false })))).toBe(false);
  });

  it("reads no other core while the changed core is still switching (its registers differ from its context)", () => {
    const s = twoCoresOnOneMm();
    s.cores[0]!.regs.ttbr0 = "swapper";
    const o = new Objects();
    const mid = footprintOf(s, o, regWrite(0, { ttbr0: "swapper" }));
    expect(mid.reads).not.toContain(o.id("running:1"));
    expect(mid.reads).not.toContain(o.id("ctx:1"));
  });

  it("reads no other core's registers when no other core runs the same mm", () => {
    const s = twoCoresOnOneMm();
    s.cores[1]!.ctx = { mm: "N", generation: 1, asid: 2 };
    const o = new Objects();
    const settle = footprintOf(s, o, regWrite(0, { asid: 1 }));
    expect(settle.reads).not.toContain(o.id("running:1"));
    // It still reads which mm core 1 runs: a switch of core 1 to M would change the answer.
    expect(settle.reads).toContain(o.id("ctx:1"));
  });

  it("makes an IPI sent to a settled core depend on the check that found it settled", () => {
    const s = twoCoresOnOneMm();
    const o = new Objects();
    const settle = footprintOf(s, o, regWrite(0, { asid: 1 }));
    const send = {
      seq: 0,
      t: 0,
      core: 0,
      type: "ipi.send",
      wait: true,
      msgs: [{ id: 7, kind: "ipi", ipi: "flush", from: 0, to: 1 }],
    } as unknown as SimEvent;
    expect(dependent(settle, footprintOf(s, o, send))).toBe(true);
  });
});
