/**
 * The engine: owns the virtual clock and the ready work (core steps, bus messages in flight, possible
 * speculative walks), picks one item at a time through the chooser (a logged `choice` whenever there
 * is more than one), and carries it out. Nothing runs re-entrantly: a delivered message lands in the
 * receiver's inbox and is processed by the engine after the bus returns.
 */
import { Bus } from "../../bus/bus.js";
import type { BusMessage, IpiMessage } from "../../bus/messages.js";
import { hex } from "../../cores/page-table.js";
import { tlbiCount } from "../../cores/tlb.js";
import { completeLate, lateChoice } from "./late-tlbi.js";
import type { EventBody, SimEvent } from "../events/index.js";
import { checker, type Invariant, type Violation } from "../invariants/invariant.js";
import { applyInPlace } from "../state/apply.js";
import type { MachineState } from "../state/machine-state.js";
import { coreKey, flushKey, msgKey, specKey, type ChoiceKind, type Chooser, type StepOption } from "./chooser.js";
import { access, ackFor, execOp, isBlocked } from "./exec.js";
import type { EngineOptions, Machine } from "./machine.js";
import type { Op, Program } from "./ops.js";
import { describeDeadlock } from "./deadlock.js";
import { SpeculativeWalks, type SpecItem } from "./speculation.js";
import { ReadySet } from "./ready.js";
import { RunQueues } from "./run-queues.js";
import { ArmMemory } from "../memory/views.js";
import { drain, propagateStep } from "./memory-ops.js";

/** What runs on the machine: a main program per core and the handler for each IPI. */
export interface System {
  main(core: number): Program;
  ipiHandler(core: number, msg: IpiMessage): Program;
  /**
   * The whole JS-side state of `core`'s programs, as text, when its main program waits at its
   * scheduler's loop head (the engine's `mainAt` is a pick-task); null when part of it is not plain
   * data. Stateful search replaces the core's program trace with it there.
   */
  quiescent?(core: number): string | null;
}

export type StopReason = "done" | "violation" | "deadlock" | "limit";

export interface RunOutcome {
  reason: StopReason;
  violation: Violation | null;
  events: number;
}

interface Frame {
  // A program returns a number (a handler's ack, a called program's value) or nothing (a void generator).
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  program: Generator<Op, number | void, number>;
  op: Op;
  /** For an IPI handler: the message it answers. */
  msg: IpiMessage | null;
  /** Pushed by a `call` op: its return resumes the frame below at once (no step of its own). */
  called: boolean;
}

const NO_OPTIONS: readonly StepOption[] = [];
const RETURN: Op = { k: "return" };

/** "core 0", "core 1", ...: what a step choice of a core says (made once, not per engine). */
const names: string[] = [];
function coreNames(n: number): string[] {
  for (let c = names.length; c < n; c++) names.push(`core ${c}`);
  return names;
}


export class Engine implements Machine {
  private readonly stacks: Frame[][];
  private readonly readyAt: number[];
  /** Made at the first delivery: many explored schedules deliver nothing, and wiring it costs. */
  private bus: Bus | null = null;
  private system: System | null = null;
  private clock = 0;
  private stopped: Violation | null = null;
  /**
   * The ready items of this step, in option order: `ready.cores`, then `ready.msgs`, then `specs` (the
   * speculative walks, listed afresh each step when speculation is on), then `flushes` (under armv8,
   * the cores whose store buffer holds a write, listed afresh each step).
   */
  private readonly ready: ReadySet;
  private readonly specs: SpecItem[] = [];
  private readonly flushes: number[] = [];
  private nItems = 0;
  /** The step options, filled only for a chooser that needs more than their number (reused objects). */
  private readonly options: StepOption[] = [];
  private nOptions = 0;
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
  private readonly check: (s: MachineState, ev: SimEvent) => Violation | null;
  private readonly spec: SpeculativeWalks | null;
  readonly runQueues: RunQueues;
  readonly mem: ArmMemory | null;

  constructor(
    readonly opts: EngineOptions,
    readonly state: MachineState,
    private readonly chooser: Chooser,
    invariants: readonly Invariant[],
    private readonly sink: (ev: SimEvent) => void,
  ) {
    this.stacks = Array.from({ length: opts.cores }, () => []);
    this.readyAt = new Array<number>(opts.cores).fill(0);
    this.ready = new ReadySet(opts.cores, (c) => state.cores[c]!.regs.irqOn, this.readyAt);
    for (let id = 0; id < state.nextMsgId; id++) {
      const m = state.inflight[id];
      if (m !== undefined) this.ready.sent(m);
    }
    this.dirty = new Int32Array(opts.cores);
    this.isDirty = new Uint8Array(opts.cores);
    this.waiting = new Int32Array(opts.cores);
    this.isWaiting = new Uint8Array(opts.cores);
    this.runQueues = new RunQueues(state);
    this.coreNames = coreNames(opts.cores);
    this.describeChoices = opts.describeChoices !== false;
    this.check = checker(invariants);
    this.spec = opts.speculation.enabled ? new SpeculativeWalks(opts) : null;
    this.mem = opts.memoryModel === "armv8" ? new ArmMemory(opts.cores) : null;
  }

  /** The operation `core`'s main program waits to run, when nothing else is on its stack; else null. */
  mainAt(core: number): Op | null {
    const stack = this.stacks[core]!;
    return stack.length === 1 ? stack[0]!.op : null;
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
    this.sink(ev);
    if (this.stopped || ev.type === "violation") return;
    const v = this.check(this.state, ev);
    if (v) this.stop(v);
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

  /** Runs at most `n` steps: the outcome once the run has ended, or null when there is more to run. */
  steps(n: number): RunOutcome | null {
    for (let k = 0; k < n; k++) {
      if (this.stopped) return this.outcome("violation");
      if (this.state.seq >= this.opts.maxEvents) return this.outcome("limit");
      this.listItems();
      if (this.nItems === 0) {
        if (this.state.cores.every((c) => c.done) && !this.undelivered()) return this.outcome("done");
        this.stop({ invariant: "liveness", message: describeDeadlock(this.state), at: this.state.seq - 1 });
        return { reason: "deadlock", violation: this.stopped, events: this.state.seq };
      }
      const i = this.chooseStep();
      if (this.chooser.stepped) this.chooser.stepped(this.keyOf(i));
      this.carryOut(i);
    }
    return null;
  }

  /** Releases what the run wired (after `run`, or after the last `steps`). */
  close(): void {
    this.bus?.close();
  }

  /** Whether a message is still in flight: with every core done, it can never be delivered. */
  private undelivered(): boolean {
    for (const _ in this.state.inflight) return true;
    return false;
  }

  private outcome(reason: StopReason): RunOutcome {
    return { reason: this.stopped ? "violation" : reason, violation: this.stopped, events: this.state.seq };
  }

  private push(c: number, program: Program, msg: IpiMessage | null): void {
    const frame: Frame = { program, op: RETURN, msg, called: false };
    this.stacks[c]!.push(frame);
    this.advance(c, frame, 0);
  }

  /**
   * Resumes the top frame's program with `value` and sets the operation it waits to run. A `call`
   * pushes the callee, which starts at once; a callee's return resumes its caller at once with the
   * value: the same operations, in the same steps, as `yield*` would give.
   */
  private advance(c: number, top: Frame, value: number): void {
    const stack = this.stacks[c]!;
    let f = top;
    let v = value;
    const chooser = this.chooser;
    for (;;) {
      chooser.resumed?.(c, v);
      const r = f.program.next(v);
      if (!r.done) {
        // A DMB orders nothing under sc: not a step, not an event (sc logs stay as they were).
        if (r.value.k === "dmb" && this.mem === null) {
          v = 0;
          continue;
        }
        if (r.value.k !== "call") {
          f.op = r.value;
          return;
        }
        f = { program: r.value.program, op: RETURN, msg: null, called: true };
        stack.push(f);
        v = 0;
        continue;
      }
      if (!f.called) {
        f.op = RETURN;
        return;
      }
      stack.pop();
      f = stack[stack.length - 1]!;
      v = typeof r.value === "number" ? r.value : 0;
    }
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
      const m = s.inflight[id];
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
    this.nItems = ready.cores.length + ready.msgs.length;
    if (this.spec) this.listSpeculativeWalks(this.spec);
    if (this.mem) this.listStoreBuffers(this.mem);
  }

  /** Under armv8: each core with buffered writes may have one reach memory (src/memory/views.ts). */
  private listStoreBuffers(mem: ArmMemory): void {
    const flushes = this.flushes;
    flushes.length = 0;
    for (let c = 0; c < this.opts.cores; c++) if (mem.hasBuffered(c)) flushes.push(c);
    this.nItems += flushes.length;
  }

  /** Walks that would fill something new: a walk that faults or finds its entry present changes nothing. */
  private listSpeculativeWalks(spec: SpeculativeWalks): void {
    const specs = this.specs;
    specs.length = 0;
    for (let c = 0; c < this.opts.cores; c++) for (const it of spec.of(this.state, c)) specs.push(it);
    this.nItems += specs.length;
  }

  /** The step's choice among the ready items: by their number when the chooser needs no more, else from the options. */
  private chooseStep(): number {
    const of = this.nItems;
    if (of <= 1) return 0;
    this.ready.specs = this.specs.length;
    this.ready.stale();
    // The ready view knows cores, messages and walks; with store-buffer items the options are listed.
    let pick = this.flushes.length === 0 ? this.chooser.pickByCount?.(this.ready) : undefined;
    if (pick === undefined) {
      this.fillOptions();
      pick = this.chooser.pick("step", of, this.options);
    }
    this.record({
      seq: this.state.seq,
      t: this.clock,
      core: this.coreOfItem(pick),
      type: "choice",
      kind: "step",
      pick,
      of,
      what: this.describeChoices ? this.describe(pick) : "",
    });
    return pick;
  }

  private fillOptions(): void {
    this.nOptions = 0;
    const { cores, msgs } = this.ready;
    for (const c of cores) this.option(this.readyAt[c]!, false, coreKey(c));
    for (const m of msgs) this.option(m.deliverAt, false, msgKey(m.id));
    for (const it of this.specs) this.option(this.clock, true, specKey(it.c, it.vaIndex));
    for (const c of this.flushes) this.option(this.clock, false, flushKey(c));
  }

  /** Fills the next option slot, reusing its object (this runs once per ready item per step). */
  private option(readyAt: number, spec: boolean, key: number): void {
    const o = this.options[this.nOptions];
    if (o) {
      o.readyAt = readyAt;
      o.spec = spec;
      o.key = key;
    } else this.options.push({ readyAt, spec, key });
    this.nOptions++;
  }

  /** The key exploration knows item i by (`coreKey`, `msgKey`, `specKey`). */
  private keyOf(i: number): number {
    const { cores, msgs } = this.ready;
    if (i < cores.length) return coreKey(cores[i]!);
    if (i < cores.length + msgs.length) return msgKey(msgs[i - cores.length]!.id);
    const j = i - cores.length - msgs.length;
    if (j >= this.specs.length) return flushKey(this.flushes[j - this.specs.length]!);
    const it = this.specs[j]!;
    return specKey(it.c, it.vaIndex);
  }

  /** The core item i is about: the core that steps, the receiver of a message, the core that walks. */
  private coreOfItem(i: number): number {
    const { cores, msgs } = this.ready;
    if (i < cores.length) return cores[i]!;
    if (i < cores.length + msgs.length) return msgs[i - cores.length]!.to;
    const j = i - cores.length - msgs.length;
    return j >= this.specs.length ? this.flushes[j - this.specs.length]! : this.specs[j]!.c;
  }

  private describe(i: number): string {
    const { cores, msgs } = this.ready;
    if (i < cores.length) return this.coreNames[cores[i]!]!;
    if (i >= cores.length + msgs.length) {
      const j = i - cores.length - msgs.length;
      if (j >= this.specs.length) return `core ${this.flushes[j - this.specs.length]!}'s store buffer`;
      const it = this.specs[j]!;
      return `speculative walk on core ${it.c} of VA ${hex(it.va)}`;
    }
    const m = msgs[i - cores.length]!;
    const what = m.kind === "ipi" ? `IPI ${m.ipi}` : m.kind === "tlbi" ? `TLBI ${m.op.scope}` : `ack of #${m.of}`;
    return `deliver #${m.id} ${what} from core ${m.from} to core ${m.to}`;
  }

  private carryOut(i: number): void {
    const { cores, msgs } = this.ready;
    if (i >= cores.length + msgs.length) {
      const j = i - cores.length - msgs.length;
      if (j >= this.specs.length) {
        propagateStep(this, this.mem!, this.flushes[j - this.specs.length]!);
        return;
      }
      const it = this.specs[j]!;
      access(this, it.c, it.va, false, true);
      return;
    }
    if (i >= cores.length) {
      const m = msgs[i - cores.length]!;
      this.clock = Math.max(this.clock, m.deliverAt);
      this.ready.delivered(m, i - cores.length);
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
      if (top.msg) {
        const m = top.msg;
        // csd_unlock (kernel/smp.c): smp_store_release of the csd's flags, after the handler's stores.
        if (this.mem) drain(this, this.mem, c);
        const ack = ackFor(this, c, m.from, m.id, "ipi");
        this.mem?.send(c, ack.id);
        this.record({ seq: this.state.seq, t: this.clock, core: c, type: "ipi.done", of: m.id, ack });
      } else this.record({ seq: this.state.seq, t: this.clock, core: c, type: "core.done" });
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
    const bus = (this.bus ??= new Bus(this.opts.cores));
    bus.deliver(m);
    const got = bus.take(m.to)!;
    const core = this.state.cores[got.to]!;
    // A TLBI acked before it completed completes at the latest when its core takes a message (an IPI
    // is an exception entry; a later broadcast is ordered after it): src/engine/late-tlbi.ts.
    if (this.opts.lateTlbi) {
      if (got.kind === "tlbi" && !got.late && lateChoice(this, got)) return;
      completeLate(this, bus, got, (l) => this.ready.delivered(l));
    }
    if (got.kind !== "tlbi") this.mem?.receive(got.to, got.id);
    if (got.kind === "ipi") {
      this.record({ seq: this.state.seq, t: this.clock, core: got.to, type: "bus.deliver", msg: got, removed: 0, ack: null });
      this.push(got.to, this.system!.ipiHandler(got.to, got), got);
      return;
    }
    if (got.kind === "tlbi") {
      const removed = tlbiCount(core.tlb, got.op, got.vmid);
      const ack = got.late ? null : ackFor(this, got.to, got.from, got.id, "tlbi");
      this.record({ seq: this.state.seq, t: this.clock, core: got.to, type: "bus.deliver", msg: got, removed, ack });
      return;
    }
    this.record({ seq: this.state.seq, t: this.clock, core: got.to, type: "bus.deliver", msg: got, removed: 0, ack: null });
  }
}
