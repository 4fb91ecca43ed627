/**
 * The unit of change: one spec per event type, kept by its family (`*-spec.ts` beside each `*-events.ts`)
 * and assembled in `specs.ts`, where TypeScript checks that every type of the union has one. Whatever
 * an event means to a subsystem (which parts of the state it changes, what DPOR sees it touch, how it
 * reads in a sentence) is read from here; the reducer table (src/state/reducers.ts; the state is the layer
 * above this vocabulary, so it keeps its own table, checked complete the same way) is the one place that says
 * how the state changes, and a test checks that it changes only the parts declared.
 */
import type { EventBase } from "./base.js";
import type { EventType, SimEvent } from "./index.js";

/** Any event: the union's members, or one being added to it. */
export type AnyEvent = EventBase & { type: string };

/** A core's parts of the machine state an event may change. */
export type CoreArea =
  /** Registers: mode, TTBRs, ASID, VTTBR/VMID, IRQ mask, vectors, timer. */
  | "regs"
  /** TLB contents (entries added or removed). */
  | "tlb"
  /** TLB recency only (the LRU order a hit refreshes). */
  | "lru"
  /** The core ran out of work. */
  | "done"
  /** What the core waits for (a lock, acks, broadcast maintenance, idle). */
  | "wait"
  /** The task the core runs. */
  | "task"
  /** The kernel context (mm, ASID and generation) the core runs under. */
  | "ctx"
  /** The hypervisor's per-core state: in the guest or not, the VM and VMID it entered under. */
  | "guest"
  /** The vCPU loaded on the core, and the host registers saved on entry. */
  | "vcpu";

/** The machine's shared parts an event may change. */
export type SharedArea =
  /** Shared kernel variables. */
  | "vars"
  | "locks"
  /** Each task's run state. */
  | "tasks"
  /** Page-table contents. */
  | "tables"
  /** Old translations retired while maintenance is pending (what coherence forgives). */
  | "stale"
  /** Bus messages in flight. */
  | "inflight"
  /** Saved vCPU state and where each vCPU is loaded. */
  | "vcpus";

/** What applying an event changes: areas of its own core (`ev.core`) and shared ones. Counters aside. */
export interface Changes {
  readonly own: readonly CoreArea[];
  readonly shared: readonly SharedArea[];
}

/**
 * What a step touched, named as objects DPOR compares (src/explore/footprint.ts): `v:NAME` variables,
 * `l:NAME` locks, `regs:C`, `tlb:C`, `acks:C` (IPI acks), `tacks:C` (broadcast TLBI acks), `pt:TABLE`,
 * `task:ID`, `vcpu:ID`, `ctx` (the running contexts), `ctx:C` (core C's), `guests` (the running VMs), `guest:C` (core C's), `running:C` (what core C's
 * registers run: CONTEXTIDR, TTBR0, VTTBR, mode, IRQ depth),
 * `done:C` (core C finished) and `ipi:C:F` (an IPI from core F on its way to core C).
 */
export interface Touches {
  read(name: string): void;
  write(name: string): void;
  /** A bus message the step sent (by id): its delivery depends on the step. */
  creates(msgId: number): void;
  /** The tasks core `c`'s scheduler may pick. */
  schedulerTasks(c: number): readonly string[];
  /** Every task of the machine. */
  allTasks(): readonly string[];
  /** How many cores the machine has (a check over every core reads each one's registers). */
  cores(): number;
  /** The stage-1 table core `c` translates `va` through now (TTBR0 or TTBR1). */
  stage1Table(c: number, va: number): string;
}

export interface EventSpec<E extends AnyEvent> {
  /** What applying it changes (the fingerprint and the speculative-walk cache read this). */
  readonly changes: Changes;
  /** What it reads and writes for DPOR's dependence (invariants add their own reads: Invariant.reads). */
  touches(ev: E, t: Touches): void;
  /** One short line in a kernel engineer's terms: debugger, viewer, columns, traces. */
  describe(ev: E): string;
}

/** The member(s) of `E` whose type can be `K`, narrowed to it (a member may carry two types, as `vcpu.load | vcpu.put`). */
export type Narrow<E, K extends string> = E extends { type: infer T } ? (K extends T ? E & { type: K } : never) : never;

/** A table of specs, one per type of the union `E`: a type without its spec does not compile. */
export type SpecTable<E extends AnyEvent> = { readonly [K in E["type"]]: EventSpec<Narrow<E, K>> };

export type EventSpecs = SpecTable<SimEvent>;

/** Shorthands for the tables. */
export const changes = (own: readonly CoreArea[] = [], shared: readonly SharedArea[] = []): Changes => ({ own, shared });
export const NOTHING: Changes = changes();
export const touchesNothing = (): void => {};

export type { EventType };
