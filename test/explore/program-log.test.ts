/**
 * Rebuilding step programs from their log (src/explore/program-log.ts): a fresh generator given what
 * the original was given waits at the same operation, whatever the live state says now; a log that
 * the programs do not follow fails the rebuild instead of giving other programs.
 */
import { describe, expect, it } from "vitest";
import type { Chooser } from "../../src/engine/chooser.js";
import { advanceFrame, RETURN, type Frame } from "../../src/engine/frames.js";
import type { Op, Program } from "../../src/engine/ops.js";
import type { System } from "../../src/engine/system.js";
import { ProgramLog, ReplayDiverged } from "../../src/explore/program-log.js";
import { ProgramTrace } from "../../src/explore/program-trace.js";

/** Reads x through the view, then writes x + what its read of y gave. */
function* adder(s: { vars: Record<string, number> }): Program {
  const x = s.vars.x!;
  const y: number = yield { k: "read", name: "y" };
  yield { k: "write", name: "z", value: x + y };
}

function setUp(main: (view: { vars: Record<string, number> }) => Program) {
  const trace = new ProgramTrace(1);
  const log = new ProgramLog();
  trace.log = log;
  const state = { vars: { x: 1, y: 5 } };
  const view = trace.view(state);
  const system: System = {
    main: () => main(view),
    ipiHandler: () => {
      throw new Error("no IPIs here");
    },
  };
  const live: Chooser = { pick: () => 0, resumed: (c, v) => log.resumed(c, v) };
  const frame: Frame = { program: system.main(0), op: RETURN, msg: null, called: false };
  const stack = [frame];
  // What the engine does: start the main program, then resume it with each operation's result.
  advanceFrame(stack, frame, 0, live, 0, false);
  const step = (value: number): Op => (advanceFrame(stack, frame, value, live, 0, false), frame.op);
  return { state, log, system, step, frame };
}

describe("a program log", () => {
  it("rebuilds a program at the operation it waited at, with what it read then, not what the state holds now", () => {
    const { state, log, system, step } = setUp(adder);
    expect(step(5)).toEqual({ k: "write", name: "z", value: 6 });
    const mark = log.mark();
    state.vars.x = 100;
    const stacks = log.rebuild(() => system, 1, mark, false);
    expect(stacks[0]!.map((f) => f.op)).toEqual([{ k: "write", name: "z", value: 6 }]);
  });

  it("rebuilds an earlier point too: the log up to a mark", () => {
    const { log, system, step } = setUp(adder);
    const atRead = log.mark();
    step(5);
    const stacks = log.rebuild(() => system, 1, atRead, false);
    expect(stacks[0]!.map((f) => f.op)).toEqual([{ k: "read", name: "y" }]);
  });

  it("rebuilds a core from its last loop head: its JS data put back, only what it did since replayed", () => {
    // A loop whose state at its head is JS data (`data`): what System.saveQuiescent keeps.
    const data = { n: 0 };
    let iterations = 0;
    const { log, system, step } = setUp(function* (s) {
      for (;;) {
        yield { k: "isb" };
        iterations++;
        data.n += s.vars.x!;
        yield { k: "write", name: "z", value: data.n };
      }
    });
    for (let i = 0; i < 4; i++) step(0);
    // At the loop head after two iterations.
    const point = { entry: log.mark().entries, saved: { ...data } };
    expect(step(0)).toEqual({ k: "write", name: "z", value: 3 });
    const mark = log.mark();
    step(0);
    system.restoreQuiescent = (_c, saved) => Object.assign(data, saved);
    iterations = 0;
    const stacks = log.rebuild(() => system, 1, mark, false, [point]);
    expect(stacks[0]!.map((f) => f.op)).toEqual([{ k: "write", name: "z", value: 3 }]);
    expect(iterations).toBe(1);
    // Without the point: the whole history again, from the data the program started with.
    data.n = 0;
    iterations = 0;
    expect(log.rebuild(() => system, 1, mark, false)[0]!.map((f) => f.op)).toEqual([{ k: "write", name: "z", value: 3 }]);
    expect(iterations).toBe(3);
  });

  it("fails a rebuild whose programs ask for other values than the log holds", () => {
    let runs = 0;
    // A program that depends on JS data outside the log: the second one made reads nothing.
    const { log, system, step } = setUp(function* (s) {
      const x = runs++ === 0 ? s.vars.x! : 0;
      yield { k: "write", name: "z", value: x };
    });
    step(0);
    expect(() => log.rebuild(() => system, 1, log.mark(), false)).toThrow(ReplayDiverged);
  });
});
