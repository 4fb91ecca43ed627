/**
 * A task's script, run a time slice at a time on whichever core the scheduler puts it on: `slice`
 * runs it from where it stopped until it yields the core or ends (the task's exit). The position in
 * the script is plain data (a stack of repeat frames), so a slice is an ordinary step program that
 * the core's main program calls (a `call` op: the engine runs it as the main program's own), instead
 * of a long-lived generator whose every operation the main program would have to take and hand on
 * (no generator in between per operation, and none per nested `repeat`).
 */
import type { Op } from "../engine/ops.js";
import type { Scenario, WorkloadOp } from "../scenario/types.js";
import type { KernelCtx } from "./context.js";
import { doesSomething } from "./repeat.js";

/** Where a task is in its script: the repeat blocks it is in, innermost last. */
export interface ScriptPosition {
  frames: { ops: readonly WorkloadOp[]; i: number; left: number }[];
}

export function scriptStart(k: KernelCtx, task: string): ScriptPosition {
  const spec = k.scenario.tasks.find((t) => t.id === task)!;
  return { frames: [{ ops: spec.script, i: 0, left: 1 }] };
}

export const copyPosition = (p: ScriptPosition): ScriptPosition => ({ frames: p.frames.map((f) => ({ ...f })) });

/**
 * The script's next operation, the position moved past it (finished repeat rounds start over or
 * end on the way), or null at the script's end. A task's slice and a vCPU thread's (src/hyp/run-loop.ts) walk it.
 */
export function nextScriptOp(at: ScriptPosition): WorkloadOp | null {
  const frames = at.frames;
  while (frames.length > 0) {
    const f = frames[frames.length - 1]!;
    if (f.i < f.ops.length) return f.ops[f.i++]!;
    if (--f.left > 0) f.i = 0;
    else frames.pop();
  }
  return null;
}

/** A `repeat`: its body runs next, `times` rounds (nothing when it does nothing). */
export function enterRepeat(at: ScriptPosition, op: Extract<WorkloadOp, { op: "repeat" }>): void {
  if (op.times > 0 && doesSomething(op.body)) at.frames.push({ ops: op.body, i: 0, left: op.times });
}

/** How a slice ended (its return value): the task yielded the core, or its script is over. */
export const SLICE_YIELD = 1;
export const SLICE_EXIT = 0;

export function* slice(k: KernelCtx, task: string, mm: string, at: ScriptPosition): Generator<Op, number, number> {
  for (let op = nextScriptOp(at); op !== null; op = nextScriptOp(at)) {
    switch (op.op) {
      case "read":
      case "write":
        yield { k: "access", va: op.va, write: op.op === "write" };
        break;
      case "yield":
        return SLICE_YIELD;
      case "map":
        yield { k: "pte", table: mm, va: op.va, pte: { pa: op.pa, global: op.global, writable: op.writable } };
        // A new mapping needs no invalidation (nothing valid was cached), only the barrier that makes
        // the table write visible to the walker (ARM ARM B3.10.1, "Ordering of translation table writes").
        yield { k: "dsb" };
        break;
      case "unmap":
        if (op.pages !== undefined && op.pages > 1)
          yield* k.unmapRange(k.state.tasks[task]!.on, mm, op.va, op.pages, op.shootdown);
        else yield* k.unmapPage(k.state.tasks[task]!.on, mm, op.va, op.shootdown);
        break;
      case "free-table":
        yield* k.freeTable(k.state.tasks[task]!.on, mm, op.va, op.flush);
        break;
      case "repeat":
        enterRepeat(at, op);
        break;
      case "exit":
        at.frames.length = 0;
        return SLICE_EXIT;
    }
  }
  return SLICE_EXIT;
}

/** Each script and repeat body of a scenario's tasks, named by where it is in the scenario (computed once). */
const opsNames = new WeakMap<Scenario, Map<readonly WorkloadOp[], string>>();

function namesOf(scenario: Scenario): Map<readonly WorkloadOp[], string> {
  let names = opsNames.get(scenario);
  if (names) return names;
  const m = new Map<readonly WorkloadOp[], string>();
  const walk = (ops: readonly WorkloadOp[], name: string): void => {
    // A body shared by several places keeps its first name: the name stands for the array.
    if (!m.has(ops)) m.set(ops, name);
    ops.forEach((op, i) => {
      if (op.op === "repeat") walk(op.body, `${name}/${i}`);
    });
  };
  for (const t of scenario.tasks) walk(t.script, t.id);
  opsNames.set(scenario, (names = m));
  return names;
}

/**
 * A script position as text that names the same position in every execution of the scenario
 * (stateful search compares positions across executions; the repeat bodies are named by their
 * place in the scenario, not by object identity).
 */
/**
 * The same position without the scripts' names: each frame's index and repeats left. Complete for a
 * task's own script (a frame's ops are the body of the repeat its parent frame just stepped over), and
 * the same text for two tasks whose scripts are equal up to renaming (symmetry reduction).
 */
export function encodeFrames(at: ScriptPosition): string {
  let out = "";
  for (const f of at.frames) out += `${f.i}x${f.left};`;
  return out;
}

export function encodePosition(at: ScriptPosition, scenario: Scenario): string | null {
  const names = namesOf(scenario);
  let out = "";
  for (const f of at.frames) {
    const name = names.get(f.ops);
    if (name === undefined) return null;
    out += `${name}@${f.i}x${f.left};`;
  }
  return out;
}
