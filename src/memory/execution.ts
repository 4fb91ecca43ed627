/**
 * Candidate executions for the ARMv8 axiomatic model: per-thread event traces (the "pre-executions" of
 * herd7: events in program order with their dependencies), and the choices that complete one into an
 * execution — which write each read reads from (rf) and the coherence order of each location (co).
 * Alglave, Maranget and Tautschnig, "Herding cats", TOPLAS 2014, §4; herd7's aarch64.cat names are used.
 */

/** Values are integers or the addresses of shared locations. */
export type MemValue = number | string;

export type FenceKind = "dmb.full" | "dmb.ld" | "dmb.st" | "dsb.full" | "dsb.ld" | "dsb.st" | "isb";

/** One event of a thread's trace, in program order. Dependency sources are indices of reads in the same trace. */
export interface TraceEvent {
  kind: "R" | "W" | "F";
  /** The instruction instance it belongs to: events of one instruction (an RMW's R and W) share it, and po orders instances. */
  instr: number;
  loc?: string;
  value?: MemValue;
  fence?: FenceKind;
  /** Acquire (LDAR, LDAXR, SWPA...: herd's A) or acquire-PC (LDAPR: Q). */
  acquire?: "A" | "Q";
  /** Release (STLR, STLXR, SWPL...: herd's L). */
  release?: boolean;
  /** A read whose value no register receives (STADD, LDADD to XZR: herd's NoRet). */
  noRet?: boolean;
  /** Reads whose values reach this event's address through registers (addr). */
  addrSrc: readonly number[];
  /** Reads whose values reach this write's value through registers (data). */
  dataSrc: readonly number[];
  /** Reads whose values decided a conditional branch before this event (ctrl). */
  ctrlSrc: readonly number[];
  /**
   * The same three through herd's pick dependencies too (aarch64deps.cat pick-dtrm: also the ordering
   * inside an instruction, as from a SWP's Rs to its result register); each a superset of the plain one.
   */
  pickAddrSrc: readonly number[];
  pickDataSrc: readonly number[];
  pickCtrlSrc: readonly number[];
}

/** A read and a write of one atomic read-modify-write (herd's rmw); amo when one instruction (SWP, CAS, LDADD). */
export interface RmwPair {
  read: number;
  write: number;
  amo: boolean;
}

export interface ThreadTrace {
  events: TraceEvent[];
  rmw: RmwPair[];
  /** Final register values (by the litmus front end's naming). */
  regs: ReadonlyMap<string, MemValue>;
}

/** An execution's events, numbered globally: initial writes first, then each thread's trace. */
export interface EventTable {
  /** Per global event: its thread (-1 for an initial write) and its index in that thread's trace. */
  thread: Int32Array;
  index: Int32Array;
  events: TraceEvent[];
  /** Global index of thread t's event i is offsets[t] + i. */
  offsets: number[];
  /** Initial write per location. */
  initWrite: Map<string, number>;
}

export function eventTable(init: ReadonlyMap<string, MemValue>, traces: readonly ThreadTrace[]): EventTable {
  const events: TraceEvent[] = [];
  const thread: number[] = [];
  const index: number[] = [];
  const initWrite = new Map<string, number>();
  for (const [loc, value] of init) {
    initWrite.set(loc, events.length);
    events.push({
      kind: "W",
      instr: -1,
      loc,
      value,
      addrSrc: [],
      dataSrc: [],
      ctrlSrc: [],
      pickAddrSrc: [],
      pickDataSrc: [],
      pickCtrlSrc: [],
    });
    thread.push(-1);
    index.push(-1);
  }
  const offsets: number[] = [];
  traces.forEach((tr, t) => {
    offsets.push(events.length);
    tr.events.forEach((e, i) => {
      events.push(e);
      thread.push(t);
      index.push(i);
    });
  });
  return { events, thread: Int32Array.from(thread), index: Int32Array.from(index), offsets, initWrite };
}
