/**
 * The engine: owns the virtual clock and the ready work (core steps, bus messages in flight, possible speculative
 * walks), picks one item at a time through the chooser (a logged `choice` whenever there is more than one), and
 * carries it out. A delivered message is carried out by its receiver, a core actor on the bus (bus/core-actor.ts).
 */
import { Bus } from "../../bus/bus.js";
import type { BusMessage, IpiMessage } from "../../bus/messages.js";
import { CoreActor } from "../../bus/core-actor.js";
import { EnginePort } from "./core-port.js";
import type { EventBody, SimEvent } from "../events/index.js";
import type { Invariant, Violation } from "../invariants/invariant.js";
import { InvariantObserver } from "../invariants/observer.js";
import { EventStream } from "./event-stream.js";
import { applyInPlace } from "../state/apply.js";
import type { MachineState } from "../state/machine-state.js";
import { NO_OPTIONS, type ChoiceKind, type Chooser } from "./chooser.js";
import { access } from "./access.js";
import { execOp, isBlocked } from "./exec.js";
import type { EngineOptions, Machine } from "./machine.js";
import type { Op, Program } from "./ops.js";
import { describeDeadlock } from "./deadlock.js";
import { SpeculativeWalks } from "./speculation.js";
import { StepItems } from "./step-items.js";
import { advanceFrame, frameReturned, RETURN, type Frame } from "./frames.js";
import { anyInFlight, coreNames, type RunOutcome, type StopReason, type System } from "./system.js";
import { ReadySet } from "./ready.js";
import { RunQueues } from "./run-queues.js";
import { ArmMemory } from "../memory/views.js";
import { propagateStep } from "./memory-ops.js";

export type { RunOutcome, StopReason, System } from "./system.js";

export class Engine implements Machine {
  private readonly stacks: Frame[][];
  private readonly readyAt: number[];
  /** Made at the first delivery: many explored schedules deliver nothing, and wiring it costs. */
  private bus: Bus | null = null;
  private system: System | null = null;
  private clock = 0;
  private stopped: Violation | null = null;
  /** The ready cores and messages, kept between steps; `items` adds the walks and store buffers (step-items.ts). */
  private readonly ready: ReadySet;
  private readonly items: StepItems;
  private nItems = 0;
  /** Cores an event touched since the last step: their readiness is looked at again. */
  private readonly dirty: Int32Array;
  private nDirty = 0;
  private readonly isDirty: Uint8Array;
  /** Cores that wait on something shared (a lock, a ready task): looked at again after every step. */
  private readonly waiting: Int32Array;
  private nWaiting = 0;
  private readonly isWaiting: Uint8Array;
  private readonly coreNames: string[];
  private readonly describeChoices: boolean;
  /** Every recorded event, in order, to whoever subscribes (the log, a run's schedule, exploration's fingerprints). */
  readonly events = new EventStream<SimEvent>();
  private readonly checks: InvariantObserver;
  private readonly spec: SpeculativeWalks | null;
  readonly runQueues: RunQueues;
  readonly mem: ArmMemory | null;

  constructor(
    readonly opts: EngineOptions,
    readonly state: MachineState,
    private readonly chooser: Chooser,
    invariants: readonly Invariant[],
  ) {
    this.stacks = Array.from({ length: opts.cores }, () => []);
    this.readyAt = new Array<number>(opts.cores).fill(0);
    this.ready = new ReadySet(opts.cores, (c) => state.cores[c]!.regs.irqOn, this.readyAt);
    this.items = new StepItems(this.ready, opts.cores);
    for (const m of state.inflight) this.ready.sent(m);
    this.dirty = new Int32Array(opts.cores);
    this.isDirty = new Uint8Array(opts.cores);
    this.waiting = new Int32Array(opts.cores);
    this.isWaiting = new Uint8Array(opts.cores);
    this.runQueues = new RunQueues(state);
    this.coreNames = coreNames(opts.cores);
    this.describeChoices = opts.describeChoices !== false;
    this.checks = new InvariantObserver(state, invariants);
    this.events.subscribe(this.checks.next);
    this.spec = opts.speculation.enabled ? new SpeculativeWalks(opts) : null;
    this.mem = opts.memoryModel === "armv8" ? new ArmMemory(opts.cores, opts.fencedLocks === true) : null;
  }

  /** The operation `core`'s main program waits to run, when nothing else is on its stack; else null. */
  mainAt(core: number): Op | null {
    const stack = this.stacks[core]!;
    return stack.length === 1 ? stack[0]!.op : null;
  }

  /** The operation core `core` carries out at its next step, if it has programs (stateful search's local steps). */
  nextOp(core: number): Op | null {
    const stack = this.stacks[core]!;
    return stack.length > 0 ? stack[stack.length - 1]!.op : null;
  }

  get now(): number {
    return this.clock;
  }

  emit(core: number, body: EventBody): void {
    this.record({ seq: this.state.seq, t: this.clock, core, ...body });
  }

  record(ev: SimEvent): void {
    const sent = this.state.nextMsgId;
    applyInPlace(this.state, ev);
    if (this.state.nextMsgId !== sent) this.sent(sent);
    // The events that change a task's state (apply.ts).
    if (ev.type === "sched.pick" || ev.type === "sched.yield" || ev.type === "task.exit") this.runQueues.changed(ev.task);
    if (ev.core >= 0) this.touched(ev.core);
    this.spec?.seen(ev);
    this.events.next(ev);
    const v = this.checks.found;
    if (v !== null && this.stopped === null) this.stop(v);
  }

  /** `core` names the core the choice is about; `coreOf`, when given, the core of the picked option. */
  choose(core: number, kind: ChoiceKind, of: number, what: (i: number) => string, coreOf?: (i: number) => number): number {
    if (of <= 1) return 0;
    // Step choices go through chooseStep; the others have no options to describe.
    const pick = this.chooser.pick(kind, of, NO_OPTIONS);
    this.record({
      seq: this.state.seq,
      t: this.clock,
      core: coreOf ? coreOf(pick) : core,
      type: "choice",
      kind,
      pick,
      of,
      what: this.describeChoices ? what(pick) : "",
    });
    return pick;
  }

  private stop(v: Violation): void {
    this.stopped = v;
    this.checks.found = v;
    this.emit(-1, { type: "violation", invariant: v.invariant, message: v.message, at: v.at });
  }

  run(system: System): RunOutcome {
    this.start(system);
    try {
      return this.steps(Infinity)!;
    } finally {
      this.close();
    }
  }

  /**
   * Starts every core's program; then `steps` runs the machine a slice at a time, so a caller can give
   * the event loop a turn between slices (a signal handler then runs: `run` cleans up its log on Ctrl-C).
   */
  start(system: System): void {
    this.system = system;
    for (let c = 0; c < this.opts.cores; c++) {
      this.push(c, system.main(c), null);
      this.touched(c);
    }
  }

  /**
   * Stateful search (src/explore/resume.ts) carries on from a copied state: `times` is what it keeps beside
   * the state (and each core's operations, to check the stacks it rebuilds); `adopt` takes the system, the
   * program stacks rebuilt for it and the times in place of `start` (every other field derives from the state).
   */
  times(): { readyAt: number[]; clock: number; ops: Op[][] } {
    return { readyAt: this.readyAt.slice(), clock: this.clock, ops: this.stacks.map((s) => s.map((f) => f.op)) };
  }
  adopt(system: System, stacks: Frame[][], readyAt: readonly number[], clock: number): void {
    this.system = system;
    this.clock = clock;
    for (let c = 0; c < this.opts.cores; c++) {
      this.stacks[c] = stacks[c]!;
      this.readyAt[c] = readyAt[c]!;
      this.touched(c);
    }
  }

  /** Runs at most `n` steps: the outcome once the run has ended, or null when there is more to run. */
  steps(n: number): RunOutcome | null {
    for (let k = 0; k < n; k++) {
      if (this.stopped) return this.outcome("violation");
      if (this.state.seq >= this.opts.maxEvents) return this.outcome("limit");
      this.listItems();
      if (this.nItems === 0) {
        if (this.state.cores.every((c) => c.done) && !anyInFlight(this.state)) return this.outcome("done");
        this.stop({ invariant: "liveness", message: describeDeadlock(this.state), at: this.state.seq - 1 });
        return { reason: "deadlock", violation: this.stopped, events: this.state.seq };
      }
      const i = this.chooseStep();
      if (this.chooser.stepped) this.chooser.stepped(this.items.keyOf(i));
      this.carryOut(i);
    }
    return null;
  }

  /** Releases what the run wired (after `run`, or after the last `steps`). */
  close(): void {
    this.bus?.close();
  }

  private outcome(reason: StopReason): RunOutcome {
    return { reason: this.stopped ? "violation" : reason, violation: this.stopped, events: this.state.seq };
  }

  private push(c: number, program: Program, msg: IpiMessage | null): void {
    const frame: Frame = { program, op: RETURN, msg, called: false };
    this.stacks[c]!.push(frame);
    this.advance(c, frame, 0);
  }

  /** Resumes core c's top frame with `value` (frames.ts); a DMB is a step only under armv8. */
  private advance(c: number, top: Frame, value: number): void {
    advanceFrame(this.stacks[c]!, top, value, this.chooser, c, this.mem !== null);
  }

  /** Core c's readiness is looked at again before the next step. */
  private touched(c: number): void {
    if (this.isDirty[c]) return;
    this.isDirty[c] = 1;
    this.dirty[this.nDirty++] = c;
  }

  /** The messages the last event sent: ids from `from` up to `state.nextMsgId`. */
  private sent(from: number): void {
    const s = this.state;
    for (let id = from; id < s.nextMsgId; id++) {
      const m = s.inflight.get(id);
      if (m !== undefined) this.ready.sent(m);
    }
  }

  /** Whether core c can step: a core whose program is done still takes IPIs (the idle loop runs with interrupts on). */
  private coreReady(c: number): boolean {
    const stack = this.stacks[c]!;
    const top = stack.length > 0 ? stack[stack.length - 1] : undefined;
    if (!top) return false;
    // A blocked core is offered once, to record its wait; then not until what it waits for happens.
    if (!this.state.cores[c]!.wait) return true;
    const k = top.op.k;
    // A DSB or an IPI wait starts and ends only by events on this core (an ack delivered to it); the
    // others wait on something any core may change, either way, so they are looked at after every step.
    if (k !== "dsb" && k !== "wait-acks" && !this.isWaiting[c]) {
      this.isWaiting[c] = 1;
      this.waiting[this.nWaiting++] = c;
    }
    return !isBlocked(this, c, top.op);
  }

  /** Brings the ready lists up to date with what the last step changed, and counts this step's items. */
  private listItems(): void {
    const ready = this.ready;
    const nw = this.nWaiting;
    this.nWaiting = 0;
    for (let i = 0; i < nw; i++) {
      const c = this.waiting[i]!;
      this.isWaiting[c] = 0;
      this.touched(c);
    }
    for (let i = 0; i < this.nDirty; i++) {
      const c = this.dirty[i]!;
      this.isDirty[c] = 0;
      ready.setCore(c, this.coreReady(c));
      ready.irqChanged(c, this.state.cores[c]!.regs.irqOn);
    }
    this.nDirty = 0;
    this.nItems = this.items.list(this.state, this.spec, this.mem);
  }

  /** The step's choice among the ready items (a logged `choice` when there are several). */
  private chooseStep(): number {
    const of = this.nItems;
    if (of <= 1) return 0;
    const pick = this.items.pick(this.chooser, of, this.readyAt, this.clock);
    this.record({
      seq: this.state.seq,
      t: this.clock,
      core: this.items.coreOf(pick),
      type: "choice",
      kind: "step",
      pick,
      of,
      what: this.describeChoices ? this.items.describe(pick, this.coreNames) : "",
    });
    return pick;
  }

  private carryOut(i: number): void {
    const { cores, nMsgs } = this.ready;
    if (i >= cores.length + nMsgs) {
      const j = i - cores.length - nMsgs;
      const { specs, flushes } = this.items;
      if (j >= specs.length) {
        propagateStep(this, this.mem!, flushes[j - specs.length]!);
        return;
      }
      const it = specs[j]!;
      access(this, it.c, it.va, false, true);
      return;
    }
    if (i >= cores.length) {
      const m = this.ready.msgAt(i - cores.length);
      this.clock = Math.max(this.clock, m.deliverAt);
      this.ready.delivered(m);
      this.deliver(m);
      return;
    }
    const c = cores[i]!;
    this.clock = Math.max(this.clock, this.readyAt[c]!);
    const before = this.state.cores[c]!.counters.cycles;
    this.stepCore(c);
    const spent = this.state.cores[c]!.counters.cycles - before;
    const was = this.readyAt[c]!;
    this.readyAt[c] = this.clock + Math.max(1, spent);
    this.ready.coreMoved(c, was);
  }

  private stepCore(c: number): void {
    const stack = this.stacks[c]!;
    const top = stack[stack.length - 1]!;
    if (top.op.k === "return") {
      stack.pop();
      frameReturned(this, c, top);
      return;
    }
    const out = execOp(this, c, top.op);
    if (typeof out !== "number") {
      this.record({ seq: this.state.seq, t: this.clock, core: c, type: "core.wait", wait: out });
      return;
    }
    if (this.stopped) return;
    this.advance(c, top, out);
  }

  private deliver(m: BusMessage): void {
    (this.bus ??= this.wire()).deliver(m);
  }

  /** The bus and a core actor on it per core (bus/core-actor.ts): the receivers do their own work. */
  private wire(): Bus {
    const bus = new Bus(this.opts.cores);
    const port = new EnginePort(this, {
      completed: (l) => this.ready.delivered(l),
      interrupted: (c, m) => this.push(c, this.system!.ipiHandler(c, m), m),
    });
    for (let c = 0; c < this.opts.cores; c++) new CoreActor(c, bus, port);
    return bus;
  }
}
