/** What kernel step programs see: the scenario, the live machine state (read-only), and helpers. */
import type { IpiMessage } from "../../bus/messages.js";
import type { MachineState } from "../state/machine-state.js";
import type { Op, Program } from "../engine/ops.js";
import type { Scenario, Shootdown, TableFlush } from "../scenario/types.js";

export interface KernelCtx {
  readonly scenario: Scenario;
  /** The live state. Programs read core-local facts from it (current task, registers); anything shared
   *  between cores goes through `read`/`write`/`xchg`/`cmpxchg` operations so that it interleaves. */
  readonly state: MachineState;
  readonly cores: number;
  readonly asidBits: number;
  /** The scenario's switch sequence: load `mm`'s table and `asid` into the registers. */
  switchTo(cpu: number, mm: string, asid: number): Program;
  /**
   * cpu_set_reserved_ttbr0 at the start of a switch, when the scenario's sequence is `reserved-ttbr0`
   * (3.x and arm64 do it before allocating); `switchTo` then skips that step. Nothing otherwise.
   */
  switchPrepare(cpu: number): Program;
  /**
   * The scenario's context switch (built-in or a module, src/kernel/modules.ts ContextSwitch): switch
   * `cpu` from `prev` to the next task's mm; yields back the mm loaded afterwards.
   */
  contextSwitch(cpu: number, prev: string, next: string): Generator<Op, string, number>;
  /** The scenario's unmap sequence (built-in or a module, src/kernel/modules.ts TlbFlush). */
  unmapPage(cpu: number, mm: string, va: number, how: Shootdown): Generator<Op, void, number>;
  /** The scenario's page-table page free (built-in src/kernel/free-table.ts, or the TlbFlush module's freeTable). */
  freeTable(cpu: number, mm: string, va: number, flush: TableFlush): Generator<Op, void, number>;
  /** The unmap of several pages (src/kernel/flush-range.ts unmapRange), calling `flushTlbRange`. */
  unmapRange(cpu: number, mm: string, va: number, pages: number, how: Shootdown): Generator<Op, void, number>;
  /** The scenario's flush_tlb_range and flush_tlb_mm (built-in or the TlbFlush module's). */
  flushTlbRange(cpu: number, mm: string, start: number, end: number, how: Shootdown): Generator<Op, void, number>;
  flushTlbMm(cpu: number, mm: string, how: Shootdown): Generator<Op, void, number>;
  /** Per-CPU kernel data that only its own CPU touches (per_cpu(current_mm), ...). */
  readonly percpu: {
    currentMm: string;
    reservedTtbr0: boolean;
    /** The mm loaded on this core (the previous task's active_mm), "" at boot; the scheduler's. */
    activeMm: string;
  }[];
}

/** An IPI handler: runs on the receiving core as a step program; its return sends the ack. */
export type IpiHandler = (k: KernelCtx, cpu: number, msg: IpiMessage) => Program;

/** The shared variable that holds an mm's context id (mm->context.id). */
export const contextVar = (mm: string): string => {
  // The same string object each time: a variable lookup with a fresh string must first find it in
  // V8's string table (step programs read mm->context.id on every context switch).
  let name = contextVars.get(mm);
  if (name === undefined) contextVars.set(mm, (name = `${mm}.context.id`));
  return name;
};
const contextVars = new Map<string, string>();
