/**
 * The whole machine at one point of the log. It is a fold of the events: nothing here is set except by
 * `apply`. Plain JSON data with integer-keyed or insertion-ordered records only, so iteration order is
 * defined and the state hashes the same on every machine; the messages in flight are a store that
 * iterates and serialises as their integer-keyed record (in-flight.ts says why).
 */
import type { Costs } from "../../cores/costs.js";
import { initialCore, type CoreState } from "../../cores/core-state.js";
import type { Tables } from "../../cores/walk.js";
import type { HypState } from "./hyp-state.js";
import { initialTablePages, type TablePages } from "../../cores/table-pages.js";
import type { WalkCacheConfig } from "../../cores/walk-cache.js";
import { siblingsOf } from "./tlb-groups.js";
import { MessagesInFlight } from "./in-flight.js";

export interface TaskState {
  mm: string;
  /** Core it runs on, or -1. */
  on: number;
  status: "ready" | "running" | "exited";
  /** Sequence number of the event that made it ready (round-robin picks the longest waiting). */
  readySince: number;
}

export interface MachineState {
  /** Sequence number the next event will have. */
  seq: number;
  /** Virtual time of the last event. */
  t: number;
  cores: CoreState[];
  tables: Tables;
  /**
   * Old translations whose maintenance has not completed yet ("table:vpn" → old PAs): a TLB may still
   * legitimately use them until the kernel retires them (ARM ARM B3.10.1: a TLB may hold an entry until
   * it is invalidated; the kernel may reuse the page only after the invalidation completes).
   */
  stale: Record<string, number[]>;
  vars: Record<string, number>;
  /** Lock name → owning core. A free lock has no key. */
  locks: Record<string, number>;
  /** Message id → message, for every message sent and not yet delivered (serialised as that record: in-flight.ts). */
  inflight: MessagesInFlight;
  nextMsgId: number;
  tasks: Record<string, TaskState>;
  /** The table id that TTBR1 and a reset TTBR0 point at. */
  kernelTable: string;
  /** First VA translated through TTBR1. */
  pageOffset: number;
  costs: Costs;
  /** The hypervisor's state; absent on a machine without one. */
  hyp?: HypState;
  /** Per core, the cores sharing its TLB (machine.sharedTlb, src/state/shared-tlb.ts); absent: all private. */
  tlbSiblings?: number[][];
  /** machine.walkCache: each core's walk cache (CoreState.walkCache) and the tables' table pages; absent: off. */
  walkCache?: WalkCacheConfig;
  pt?: TablePages;
  violation: { invariant: string; message: string; at: number } | null;
}

export interface InitialStateInput {
  cores: number;
  tables: Tables;
  vars: Record<string, number>;
  tasks: Record<string, { mm: string }>;
  kernelTable: string;
  pageOffset: number;
  /** The architecture's stage-1 layout: TTBR0/TTBR1 split at PAGE_OFFSET (arm64, LPAE) or not (N = 0). */
  ttbcrSplit: boolean;
  costs: Costs;
  hyp?: HypState | undefined;
  /** Groups of cores sharing one TLB (machine.sharedTlb). */
  sharedTlb?: number[][] | undefined;
  walkCache?: WalkCacheConfig | undefined;
}

/**
 * Each table's map: a frozen one (a scenario's) is shared, and the reducer copies it at its first
 * write (`ownTable` in apply.ts); any other is copied now. Exploration makes an initial state per
 * schedule, and most schedules write few tables or none.
 */
function copyTables(tables: Tables): Tables {
  const out: Tables = {};
  for (const id in tables) {
    const t = tables[id]!;
    out[id] = Object.isFrozen(t) ? t : { ...t };
  }
  return out;
}

export function initialState(input: InitialStateInput): MachineState {
  const tasks: Record<string, TaskState> = {};
  for (const [id, t] of Object.entries(input.tasks)) tasks[id] = { mm: t.mm, on: -1, status: "ready", readySince: -1 };
  const s: MachineState = {
    seq: 0,
    t: 0,
    cores: Array.from({ length: input.cores }, (_, i) => initialCore(i, input.kernelTable, input.ttbcrSplit)),
    // PTEs are replaced, never mutated, by the reducer: copying each table's map is enough.
    tables: copyTables(input.tables),
    stale: {},
    vars: { ...input.vars },
    locks: {},
    inflight: new MessagesInFlight(),
    nextMsgId: 0,
    tasks,
    kernelTable: input.kernelTable,
    pageOffset: input.pageOffset,
    costs: input.costs,
    ...(input.hyp ? { hyp: structuredClone(input.hyp) } : {}),
    ...(input.sharedTlb ? { tlbSiblings: siblingsOf(input.cores, input.sharedTlb) } : {}),
    violation: null,
  };
  if (input.walkCache) withWalkCaches(s, input.walkCache, input.tables);
  return s;
}

/** machine.walkCache on: an empty walk cache per core, and a table page for every mapped 2 MB of each table. */
function withWalkCaches(s: MachineState, cfg: WalkCacheConfig, tables: Tables): void {
  s.walkCache = { ...cfg };
  s.pt = initialTablePages(tables);
  for (const c of s.cores) c.walkCache = [];
}

export const staleKey = (table: string, vpn: number): string => `${table}:${vpn}`;
