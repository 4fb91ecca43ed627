/**
 * Stateful search's executions, resumed from a snapshot instead of started over: at every new
 * scheduling choice point of the current DFS path a snapshot keeps the machine state (a copy that
 * shares the scenario's frozen tables), the engine's times, the chooser's bookkeeping and where the
 * program log stood (program-log.ts). The next execution, which changes the pick at path node i,
 * starts from the deepest snapshot at or above i: a copy of its state, a new engine over it, a new
 * kernel whose step programs are rebuilt by replaying the log (generators cannot be copied), and the
 * DFS path's picks from there on. The engine's other fields (ready lists, run queues, speculative-walk
 * lists, the bus) are derived from the state and rebuilt by the engine itself. An execution then
 * costs the replay of the programs' log (no engine, no events, no invariant checks) and its new steps,
 * instead of every event from the start.
 *
 * Not resumed (started over, as before): under the armv8 memory model (store buffers live outside
 * the machine state), and when a replay does not follow the log (counted in `startedOver`).
 */
import type { Chooser } from "../engine/chooser.js";
import { Engine, type System } from "../engine/engine.js";
import type { Frame } from "../engine/frames.js";
import type { Op } from "../engine/ops.js";
import type { SimEvent } from "../events/index.js";
import { machineInvariants } from "../invariants/index.js";
import { kernelSystem } from "../run/system.js";
import { engineOptions, scenarioInitialState } from "../run/simulate.js";
import { tablesOf } from "../scenario/initial-state.js";
import { MessagesInFlight } from "../state/in-flight.js";
import type { MachineState } from "../state/machine-state.js";
import { Abandon, type Execution, type ExecutionHooks, type ExecutionTarget } from "./execution.js";
import { Fingerprinter } from "./fingerprint.js";
import { ProgramLog, ReplayDiverged, type LogMark, type RestorePoint } from "./program-log.js";
import type { ProgramTrace } from "./program-trace.js";

interface Snapshot<M> {
  state: MachineState;
  readyAt: number[];
  clock: number;
  /** Each core's stack of operations: the rebuilt stacks must wait at the same ones. */
  ops: Op[][];
  /** The chooser's bookkeeping before the pick (its own type: stateful.ts, dpor.ts). */
  chooser: M;
  log: LogMark;
  picks: number;
  /** Each core's last loop head before the snapshot (program-log.ts): its rebuild starts there. */
  points: (RestorePoint | undefined)[];
}

/** What the resumer asks of the chooser it runs with (stateful.ts, dpor.ts); `M`: what it keeps at a snapshot. */
export interface ResumableChooser<M> extends Chooser {
  readonly trace: ProgramTrace;
  programView(state: MachineState): MachineState;
  attach(engine: Engine, system: System): void;
  /** Carries on at path node `depth` with the bookkeeping it had there (its program trace included). */
  resumeAt(depth: number, m: M): void;
}

/** A mutable copy of plain data that shares frozen subtrees (the scenario's tables: never written in place). */
function copy<T>(v: T): T {
  if (v instanceof MessagesInFlight) return v.copy(copy) as T;
  if (typeof v !== "object" || v === null || Object.isFrozen(v)) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copy(v[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const k in v) out[k] = copy((v as Record<string, unknown>)[k]);
  return out as T;
}

/** Equal plain data (an absent field equals an undefined one, as in JSON): ops are small objects. */
function sameData(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const a = x as Record<string, unknown>;
  const b = y as Record<string, unknown>;
  for (const k in a) if (!sameData(a[k], b[k])) return false;
  for (const k in b) if (!(k in a) && b[k] !== undefined) return false;
  return true;
}

function sameOps(stacks: readonly Frame[][], ops: readonly Op[][]): boolean {
  if (stacks.length !== ops.length) return false;
  for (let c = 0; c < ops.length; c++) {
    const s = stacks[c]!;
    const o = ops[c]!;
    if (s.length !== o.length) return false;
    for (let i = 0; i < o.length; i++) if (!sameData(s[i]!.op, o[i])) return false;
  }
  return true;
}

export class Resumer<M> {
  readonly log = new ProgramLog();
  /** Per DFS path node: the snapshot before its pick (undefined at data choices). */
  readonly snapshots: (Snapshot<M> | undefined)[] = [];
  private readonly picks: number[] = [];
  private enabled = true;
  private engine: Engine | null = null;
  /** Each core's last loop head on the current execution (`point`). */
  private points: (RestorePoint | undefined)[] = [];
  constructor(
    private readonly cores: number,
    /** Counts executions resumed, and started over because the replay failed. */
    private readonly counts: { resumed: number; startedOver: number },
    /**
     * Path nodes from one snapshot to the next at least (1: every step choice point). A snapshot is a
     * copy of the state; where executions are short and states large, fewer snapshots cost less than
     * re-running the few steps between them (the path's picks replay them).
     */
    private readonly every = 1,
  ) {}

  /**
   * `core`'s programs wait at its scheduler's loop head, plain data (System.saveQuiescent; the chooser
   * calls this when they have run since the last one): a later rebuild of them can start here.
   */
  point(core: number, system: System): void {
    if (!this.enabled || !system.saveQuiescent) return;
    const saved = system.saveQuiescent(core);
    if (saved !== null) this.points[core] = { entry: this.log.mark().entries, saved };
  }

  /** Keeps the state before the pick at path node `i` (called by the chooser at a new step choice point). */
  take(i: number, state: MachineState, m: M): void {
    if (!this.enabled || !this.engine) return;
    if (this.every > 1) for (let p = i - 1; p > i - this.every && p >= 0; p--) if (this.snapshots[p]) return;
    const { readyAt, clock, ops } = this.engine.times();
    const log = this.log.mark();
    const points = this.points.slice();
    this.snapshots[i] = { state: copy(state), readyAt, clock, ops, chooser: m, log, picks: this.picks.length, points };
  }

  /**
   * Runs the execution whose first changed pick is at path node `from` (-1: the first execution).
   * `lastAt`: no other execution will resume at `from` (its last pick is this one), so this one may
   * take its snapshot's state instead of a copy of it.
   */
  run(t: ExecutionTarget, chooser: ResumableChooser<M>, hooks: ExecutionHooks, from: number, lastAt = false): Execution {
    this.enabled = t.scenario.machine.memoryModel !== "armv8";
    this.snapshots.length = from + 1;
    let j = from;
    while (j >= 0 && !this.snapshots[j]) j--;
    if (j >= 0) {
      const snap = this.snapshots[j]!;
      const take = lastAt && j === from;
      // Taken: gone from the list (the engine writes the state in place), before anything can fail.
      if (take) this.snapshots[j] = undefined;
      try {
        return this.go(t, chooser, hooks, snap, j, take);
      } catch (e) {
        if (!(e instanceof ReplayDiverged)) throw e;
        this.counts.startedOver++;
      }
    }
    return this.go(t, chooser, hooks, null, 0);
  }

  private go(
    t: ExecutionTarget,
    chooser: ResumableChooser<M>,
    hooks: ExecutionHooks,
    snap: Snapshot<M> | null,
    depth: number,
    take = false,
  ): Execution {
    const { scenario, allocator } = t;
    const { onEvent, statesSeen } = hooks;
    const state = snap ? (take ? snap.state : copy(snap.state)) : scenarioInitialState(scenario, allocator);
    const startSeq = state.seq;
    const fp = new Fingerprinter(state, tablesOf(scenario));
    if (snap) fp.resync(state);
    const picks = this.picks;
    const log = this.log;
    const sink = (ev: SimEvent): void => {
      if (ev.type === "choice") {
        picks.push(ev.pick);
        if (statesSeen && ev.kind === "step") {
          fp.compute(state);
          statesSeen.add(fp.a, fp.b);
        }
      } else {
        fp.observe(state, ev);
        // The engine's pushes and pops of program frames (engine.ts: deliver, stepCore), for the log.
        if (ev.type === "bus.deliver" && ev.msg.kind === "ipi") log.handler(ev.core, ev.msg);
        else if (ev.type === "ipi.done" || ev.type === "core.done") log.popped(ev.core);
      }
      onEvent?.(ev, state);
    };
    const engine = new Engine({ ...engineOptions(scenario), describeChoices: false }, state, chooser, machineInvariants);
    engine.events.subscribe(sink);
    // The kernel is made inside the replay too: what it reads as it is made is in the log, first.
    const makeSystem = (): System => kernelSystem(scenario, chooser.programView(state), allocator);
    chooser.trace.log = log;
    let system: System;
    if (snap) {
      log.truncate(snap.log);
      picks.length = snap.picks;
      let made: System | null = null;
      this.points = snap.points.slice();
      const stacks = log.rebuild(() => (made = makeSystem()), this.cores, snap.log, false, snap.points);
      system = made!;
      // A program that depends on something outside the log (JS data not reached through the view)
      // can follow the log and still wait elsewhere: the stacks must wait at the same operations.
      if (!sameOps(stacks, snap.ops)) throw new ReplayDiverged();
      chooser.attach(engine, system);
      chooser.resumeAt(depth, snap.chooser);
      engine.adopt(system, stacks, snap.readyAt, snap.clock);
      this.counts.resumed++;
    } else {
      log.clear();
      picks.length = 0;
      this.points = [];
      system = makeSystem();
      chooser.attach(engine, system);
    }
    this.engine = engine;
    try {
      if (!snap) engine.start(system);
      const outcome = engine.steps(Infinity)!;
      return {
        violation: outcome.violation,
        abandoned: false,
        picks: picks.slice(),
        events: state.seq - startSeq,
        finalHash: fp.string(state),
      };
    } catch (e) {
      if (!(e instanceof Abandon)) throw e;
      return { violation: null, abandoned: true, picks: picks.slice(), events: state.seq - startSeq, finalHash: "" };
    } finally {
      engine.close();
    }
  }
}
