/**
 * Each core's main program: pick a task (a recorded choice when several are ready), switch to its mm,
 * run it until it yields or exits, repeat until every task has exited (kernel/sched.c schedule() and
 * context_switch(), reduced to what memory management sees).
 */
import type { Program } from "../engine/ops.js";
import type { AsidAllocator } from "./asid/allocator.js";
import type { KernelCtx } from "./context.js";
import type { Op } from "../engine/ops.js";
import { switchMm } from "./switch-mm.js";
import { SLICE_EXIT } from "./workload.js";

export function* coreMain(
  k: KernelCtx,
  allocator: AsidAllocator,
  cpu: number,
  /** The program of one time slice of `task`: it returns SLICE_YIELD or SLICE_EXIT. */
  sliceOf: (task: string, mm: string) => Generator<Op, number, number>,
  /** The tasks this core may run (its affinity), in the state's task order. */
  allowed: readonly string[],
): Program {
  // The mm loaded on this core (the previous task's active_mm) is kept in per-CPU data, not in a local:
  // at the loop head the program is then plain data (stateful search, src/explore/program-trace.ts).
  const percpu = k.percpu[cpu]!;
  const pick: Op = { k: "pick-task", tasks: allowed, roundRobin: k.scenario.kernel.scheduler === "round-robin" };
  for (;;) {
    if ((yield pick) === 0) return;
    const task = k.state.cores[cpu]!.task;
    const mm = k.state.tasks[task]!.mm;
    // A kernel thread has no mm and borrows the previous one, which stays loaded (lazy TLB:
    // context_switch's `if (!mm) { next->active_mm = oldmm; enter_lazy_tlb(oldmm, next); }`, kernel/sched.c
    // v2.6.36, kernel/sched/core.c since; ARM's enter_lazy_tlb does nothing). Every ARM kernel does this.
    if (mm !== k.scenario.kernelTable) {
      // switch_mm(prev, next): whether it switches is the architecture's decision (src/kernel/switch-mm.ts).
      yield* switchMm(k, allocator, cpu, percpu.activeMm, mm);
      percpu.activeMm = mm;
    }
    const end = yield { k: "call", program: sliceOf(task, mm) };
    yield { k: "note", ev: end === SLICE_EXIT ? { type: "task.exit", task } : { type: "sched.yield", task } };
  }
}
