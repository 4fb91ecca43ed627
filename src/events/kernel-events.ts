import type { EventBase } from "./base.js";

/** The scheduler on `core` switched from `prev` to `task` (context_switch, kernel/sched.c). */
export interface SchedPickEvent extends EventBase {
  type: "sched.pick";
  task: string;
  prev: string;
  mm: string;
}

/** The running task gave up the core (end of its time slice or an explicit yield) or exited. */
export interface SchedLeaveEvent extends EventBase {
  type: "sched.yield" | "task.exit";
  task: string;
}

/** An ASID generation roll-over started on this core (arch/arm/mm/context.c). */
export interface RolloverEvent extends EventBase {
  type: "asid.rollover";
  generation: number;
}

/**
 * This core now runs `mm` under (generation, ASID): the allocator's decision for this switch, made
 * before the registers are written. TLB fills are tagged with the generation from here on.
 */
export interface AsidAssignEvent extends EventBase {
  type: "asid.assign";
  mm: string;
  generation: number;
  asid: number;
}

export type KernelEvent = SchedPickEvent | SchedLeaveEvent | RolloverEvent | AsidAssignEvent;
