/**
 * Hand-built machines for the engine tests: a System of step programs over a small page table, run
 * with the engine's own invariants; and a filter of events by type and core.
 */
import type { IpiMessage } from "../../bus/messages.js";
import { defaultLatencies } from "../../bus/messages.js";
import { defaultCosts } from "../../cores/costs.js";
import { vpnOf, type PageTable } from "../../cores/page-table.js";
import type { TlbPolicy } from "../../cores/tlb.js";
import { FifoChooser, type Chooser } from "../../src/engine/chooser.js";
import { Engine, type RunOutcome, type System } from "../../src/engine/engine.js";
import type { Op, Program } from "../../src/engine/ops.js";
import type { EventOf, SimEvent } from "../../src/events/index.js";
import { machineInvariants } from "../../src/invariants/index.js";
import { initialState, type MachineState } from "../../src/state/machine-state.js";

export const USER_VA = 0x8000;
export const KERNEL_VA = 0xc0008000;

export interface Hand {
  outcome: RunOutcome;
  state: MachineState;
  events: SimEvent[];
}

/** Runs step programs on a hand-built machine: one program per core, IPI handlers by name. */
export function handRun(
  cores: number,
  main: (core: number) => Generator<Op, void, number>,
  handlers: Record<string, (core: number, msg: IpiMessage) => Generator<Op, void, number>> = {},
  opts: { chooser?: Chooser; tlbEntries?: number; tlbPolicy?: TlbPolicy; maxEvents?: number } = {},
): Hand {
  const user: PageTable = { [vpnOf(USER_VA)]: { pa: 0x10000, global: false, writable: true } };
  for (let i = 1; i < 8; i++) user[vpnOf(USER_VA) + i] = { pa: 0x10000 + i * 0x1000, global: false, writable: true };
  const state = initialState({
    cores,
    tables: { kernel: { [vpnOf(KERNEL_VA)]: { pa: 0x80008000, global: true, writable: true } }, A: user },
    vars: {},
    tasks: {},
    kernelTable: "kernel",
    pageOffset: 0xc0000000,
    ttbcrSplit: true,
    costs: defaultCosts,
  });
  const events: SimEvent[] = [];
  const engine = new Engine(
    {
      cores,
      pageOffset: 0xc0000000,
      tlbEntries: opts.tlbEntries ?? 16,
      tlbPolicy: opts.tlbPolicy ?? "lru",
      latencies: defaultLatencies,
      speculation: { enabled: false, rate: 0, vas: [] },
      maxEvents: opts.maxEvents ?? 10_000,
    },
    state,
    opts.chooser ?? new FifoChooser(),
    machineInvariants,
  );
  engine.events.subscribe((ev) => events.push(ev));
  const system: System = {
    main: (c): Program => main(c),
    ipiHandler: (c, msg): Program => {
      const h = handlers[msg.ipi];
      if (!h) throw new Error(`no handler ${msg.ipi}`);
      return h(c, msg);
    },
  };
  return { outcome: engine.run(system), state, events };
}

export const on = <K extends SimEvent["type"]>(events: SimEvent[], type: K, core?: number): EventOf<K>[] =>
  events.filter((e): e is EventOf<K> => e.type === type && (core === undefined || e.core === core));
