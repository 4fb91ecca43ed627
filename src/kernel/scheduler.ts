/**
 * Each core's main program: pick a task (a recorded choice when several are ready), switch to its mm,
 * run it until it yields or exits, repeat until every task has exited (kernel/sched.c schedule() and
 * context_switch(), reduced to what memory management sees).
 */
import type { Program } from "../engine/ops.js";
import type { KernelCtx } from "./context.js";
import type { Op } from "../engine/ops.js";
import { SLICE_EXIT } from "./workload.js";

export function* coreMain(
  k: KernelCtx,
  cpu: number,
  /** The program of one time slice of `task`: it returns SLICE_YIELD or SLICE_EXIT. */
  sliceOf: (task: string, mm: string) => Generator<Op, number, number>,
  /** The tasks this core may run (its affinity), in the state's task order. */
  allowed: readonly string[],
): Program {
  // The mm loaded on this core (the previous task's active_mm), "" at boot.
  let activeMm = "";
  const pick: Op = { k: "pick-task", tasks: allowed, roundRobin: k.scenario.kernel.scheduler === "round-robin" };
  for (;;) {
    if ((yield pick) === 0) return;
    const task = k.state.cores[cpu]!.task;
    const mm = k.state.tasks[task]!.mm;
    // context_switch's mm half, lazy TLB included: the scenario's (src/kernel/switch-mm.ts contextSwitch
    // or a module, src/kernel/modules.ts).
    activeMm = yield* k.contextSwitch(cpu, activeMm, mm);
    const end = yield { k: "call", program: sliceOf(task, mm) };
    yield { k: "note", ev: end === SLICE_EXIT ? { type: "task.exit", task } : { type: "sched.yield", task } };
  }
}
