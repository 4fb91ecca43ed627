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

function* script(k: KernelCtx, task: string, mm: string, ops: readonly WorkloadOp[]): TaskProgram {
  for (const op of ops) {
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
        for (let i = 0; i < op.times; i++) yield* script(k, task, mm, op.body);
        break;
      case "exit":
        return;
    }
  }
}
