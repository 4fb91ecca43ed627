/**
 * A task's script as a step program. It runs on whichever core the scheduler puts it on; `yield-cpu`
 * hands the core back to the scheduler, the end of the script is the task's exit.
 */
import type { Op } from "../engine/ops.js";
import type { WorkloadOp } from "../scenario/types.js";
import type { KernelCtx } from "./context.js";
import { munmapPage } from "./munmap.js";

export type TaskStep = Op | { k: "yield-cpu" };
export type TaskProgram = Generator<TaskStep, void, number>;

export function* workload(k: KernelCtx, task: string): TaskProgram {
  const mm = k.state.tasks[task]!.mm;
  const spec = k.scenario.tasks.find((t) => t.id === task)!;
  yield* script(k, task, mm, spec.script);
}

/**
 * Runs a script with an explicit stack of repeat frames instead of one nested generator per `repeat`:
 * every operation then resumes two generators (this one and the core's main program), not one more per
 * level of nesting (the default scenario nests three deep).
 */
function* script(k: KernelCtx, task: string, mm: string, ops: readonly WorkloadOp[]): TaskProgram {
  const frames: { ops: readonly WorkloadOp[]; i: number; left: number }[] = [{ ops, i: 0, left: 1 }];
  while (frames.length > 0) {
    const f = frames[frames.length - 1]!;
    if (f.i === f.ops.length) {
      if (--f.left > 0) f.i = 0;
      else frames.pop();
      continue;
    }
    const op = f.ops[f.i++]!;
    switch (op.op) {
      case "read":
      case "write":
        yield { k: "access", va: op.va, write: op.op === "write" };
        break;
      case "yield":
        yield { k: "yield-cpu" };
        break;
      case "map":
        yield { k: "pte", table: mm, va: op.va, pte: { pa: op.pa, global: op.global, writable: op.writable } };
        // A new mapping needs no invalidation (nothing valid was cached), only the barrier that makes
        // the table write visible to the walker (ARM ARM B3.10.1, "Ordering of translation table writes").
        yield { k: "dsb" };
        break;
      case "unmap":
        yield* munmapPage(k, k.state.tasks[task]!.on, mm, op.va, op.shootdown);
        break;
      case "repeat":
        if (op.times > 0 && op.body.length > 0) frames.push({ ops: op.body, i: 0, left: op.times });
        break;
      case "exit":
        return;
    }
  }
}
