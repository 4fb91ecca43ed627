/**
 * Each core's main program: pick a task (a recorded choice when several are ready), switch to its mm,
 * run it until it yields or exits, repeat until every task has exited (kernel/sched.c schedule() and
 * context_switch(), reduced to what memory management sees).
 */
import type { Program } from "../engine/ops.js";
import type { AsidAllocator } from "./asid/allocator.js";
import type { KernelCtx } from "./context.js";
import { RESERVED_TTBR0 } from "./switch-sequence.js";
import type { Op } from "../engine/ops.js";
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
  let activeMm = "";
  const pick: Op = { k: "pick-task", tasks: allowed, roundRobin: k.scenario.kernel.scheduler === "round-robin" };
  for (;;) {
    if ((yield pick) === 0) return;
    const task = k.state.cores[cpu]!.task;
    const mm = k.state.tasks[task]!.mm;
    const lazy = k.scenario.kernel.lazyTlb;
    if (mm === k.scenario.kernelTable) {
      // A kernel thread has no mm. Lazy TLB: it borrows the previous one, which stays loaded
      // (context_switch: next->active_mm = oldmm; enter_lazy_tlb). Otherwise switch to init_mm:
      // the swapper tables and the reserved ASID, so no user translation can be used or filled.
      if (!lazy) {
        yield { k: "reg", regs: { ttbr0: RESERVED_TTBR0 } };
        yield { k: "isb" };
        yield { k: "reg", regs: { asid: 0 } };
        yield { k: "isb" };
        activeMm = "";
      }
    } else {
      // switch_mm is skipped when the mm is already loaded on this core (prev == next), unless lazy
      // TLB handling is off in the scenario.
      if (!(lazy && mm === activeMm)) yield* allocator.switchMm(k, cpu, mm);
      activeMm = mm;
    }
    const end = yield { k: "call", program: sliceOf(task, mm) };
    yield { k: "note", ev: end === SLICE_EXIT ? { type: "task.exit", task } : { type: "sched.yield", task } };
  }
}
