/**
 * The engine: owns the virtual clock and the ready work (core steps, bus messages in flight, possible
 * speculative walks), picks one item at a time through the chooser (a logged `choice` whenever there
 * is more than one), and carries it out. Nothing runs re-entrantly: a delivered message lands in the
 * receiver's inbox and is processed by the engine after the bus returns.
 */
import { Bus } from "../../bus/bus.js";
import type { BusMessage, IpiMessage } from "../../bus/messages.js";
import { hex } from "../../cores/page-table.js";
import { tlbiVictims } from "../../cores/tlb.js";
import { completeLate, lateChoice } from "./late-tlbi.js";
import type { EventBody, SimEvent } from "../events/index.js";
import { checker, type Invariant, type Violation } from "../invariants/invariant.js";
import { applyInPlace } from "../state/apply.js";
import type { MachineState } from "../state/machine-state.js";
import { coreKey, msgKey, specKey, type ChoiceKind, type Chooser, type StepOption } from "./chooser.js";
import { access, ackFor, execOp, isBlocked } from "./exec.js";
import type { EngineOptions, Machine } from "./machine.js";
import type { Op, Program } from "./ops.js";
import { describeDeadlock } from "./deadlock.js";
import { SpeculativeWalks, type SpecItem } from "./speculation.js";

/** What runs on the machine: a main program per core and the handler for each IPI. */
export interface System {
  main(core: number): Program;
  ipiHandler(core: number, msg: IpiMessage): Program;
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

type Item = { k: "core"; c: number } | { k: "msg"; m: BusMessage } | SpecItem;

export class Engine implements Machine {
  private readonly stacks: Frame[][];
  private readonly readyAt: number[];
  /** Made at the first delivery: many explored schedules deliver nothing, and wiring it costs. */
  private bus: Bus | null = null;
  private system: System | null = null;
  private clock = 0;
  private stopped: Violation | null = null;
  /** The ready items of this step are items[0 .. nItems) (the array is reused: no per-step allocation). */
  private readonly items: Item[] = [];
  private nItems = 0;
  private readonly options: StepOption[] = [];
  private nOptions = 0;
  private readonly coreItems: Item[];
  private readonly coreNames: string[];
  private readonly describeChoices: boolean;
  private readonly check: (s: MachineState, ev: SimEvent) => Violation | null;
  /** Every message id below this one has been delivered (the scan of messages in flight starts here). */
  private lowestInflight = 0;
  private readonly spec: SpeculativeWalks | null;

  constructor(
    readonly opts: EngineOptions,
    readonly state: MachineState,
    private readonly chooser: Chooser,
    invariants: readonly Invariant[],
    private readonly sink: (ev: SimEvent) => void,
  ) {
    this.stacks = Array.from({ length: opts.cores }, () => []);
    this.readyAt = new Array<number>(opts.cores).fill(0);
    this.coreItems = Array.from({ length: opts.cores }, (_, c) => ({ k: "core" as const, c }));
    this.coreNames = coreNames(opts.cores);
    this.describeChoices = opts.describeChoices !== false;
    this.check = checker(invariants);
    this.spec = opts.speculation.enabled ? new SpeculativeWalks(opts) : null;
  }

  get now(): number {
    return this.clock;
  }

  emit(core: number, body: EventBody): void {
    this.record({ seq: this.state.seq, t: this.clock, core, ...body });
  }

  record(ev: SimEvent): void {
    applyInPlace(this.state, ev);
    this.spec?.seen(ev);
    this.sink(ev);
    if (this.stopped || ev.type === "violation") return;
    const v = this.check(this.state, ev);
    if (v) this.stop(v);
  }

  /** `core` names the core the choice is about; `coreOf`, when given, the core of the picked option. */
  choose(core: number, kind: ChoiceKind, of: number, what: (i: number) => string, coreOf?: (i: number) => number): number {
    if (of <= 1) return 0;
    const pick = this.chooser.pick(kind, of, kind === "step" ? this.options : NO_OPTIONS);
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
    this.system = system;
    for (let c = 0; c < this.opts.cores; c++) this.push(c, system.main(c), null);
    try {
      while (!this.stopped) {
        if (this.state.seq >= this.opts.maxEvents) return this.outcome("limit");
        this.listItems();
        if (this.nItems === 0) {
          if (this.state.cores.every((c) => c.done) && !this.undelivered()) return this.outcome("done");
          this.stop({ invariant: "liveness", message: describeDeadlock(this.state), at: this.state.seq - 1 });
          return { reason: "deadlock", violation: this.stopped, events: this.state.seq };
        }
        const i = this.choose(-1, "step", this.nItems, this.describeItem, this.coreOfItem);
        this.chooser.stepped?.(this.options[i]!.key);
        this.carryOut(this.items[i]!);
      }
      return this.outcome("violation");
    } finally {
      this.bus?.close();
    }
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
    for (;;) {
      const r = f.program.next(v);
      if (!r.done) {
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

  private listItems(): void {
    const items = this.items;
    this.nItems = 0;
    this.nOptions = 0;
    const s = this.state;
    for (let c = 0; c < this.opts.cores; c++) {
      const stack = this.stacks[c]!;
      const top = stack.length > 0 ? stack[stack.length - 1] : undefined;
      // A core whose program is done still takes IPIs (the idle loop runs with interrupts on).
      if (!top) continue;
      // A blocked core is offered once, to record its wait; then not until what it waits for happens.
      if (s.cores[c]!.wait && isBlocked(this, c, top.op)) continue;
      items[this.nItems++] = this.coreItems[c]!;
      this.option(this.readyAt[c]!, false, coreKey(c));
    }
    // Message ids are handed out in order and never reused, so the ids from the lowest undelivered one
    // up to nextMsgId, ascending, visit the messages in flight in the order `for...in` would (integer
    // keys ascending), without enumerating the keys.
    const inflight = s.inflight;
    let id = this.lowestInflight;
    while (id < s.nextMsgId && inflight[id] === undefined) id++;
    this.lowestInflight = id;
    for (; id < s.nextMsgId; id++) {
      const m = inflight[id];
      if (m === undefined) continue;
      const to = s.cores[m.to]!;
      // An IPI is taken only with interrupts unmasked; maintenance and acks need no interrupt.
      if (m.kind === "ipi" && !to.regs.irqOn) continue;
      items[this.nItems++] = { k: "msg", m };
      this.option(m.deliverAt, false, msgKey(m.id));
    }
    if (this.spec) this.listSpeculativeWalks(this.spec);
  }

  /** Walks that would fill something new: a walk that faults or finds its entry present changes nothing. */
  private listSpeculativeWalks(spec: SpeculativeWalks): void {
    for (let c = 0; c < this.opts.cores; c++) {
      for (const it of spec.of(this.state, c)) {
        this.items[this.nItems++] = it;
        this.option(this.clock, true, specKey(c, it.vaIndex));
      }
    }
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

  // Made once, not per step: the step loop is the engine's hottest path.
  private readonly coreOfItem = (k: number): number => {
    const it = this.items[k]!;
    return it.k === "msg" ? it.m.to : it.c;
  };
  private readonly describeItem = (k: number): string => this.describe(this.items[k]!);

  private describe(it: Item): string {
    if (it.k === "core") return this.coreNames[it.c]!;
    if (it.k === "spec") return `speculative walk on core ${it.c} of VA ${hex(it.va)}`;
    const m = it.m;
    const what = m.kind === "ipi" ? `IPI ${m.ipi}` : m.kind === "tlbi" ? `TLBI ${m.op.scope}` : `ack of #${m.of}`;
    return `deliver #${m.id} ${what} from core ${m.from} to core ${m.to}`;
  }

  private carryOut(it: Item): void {
    if (it.k === "spec") {
      access(this, it.c, it.va, false, true);
      return;
    }
    if (it.k === "msg") {
      this.clock = Math.max(this.clock, it.m.deliverAt);
      this.deliver(it.m);
      return;
    }
    const c = it.c;
    this.clock = Math.max(this.clock, this.readyAt[c]!);
    const before = this.state.cores[c]!.counters.cycles;
    this.stepCore(c);
    const spent = this.state.cores[c]!.counters.cycles - before;
    this.readyAt[c] = this.clock + Math.max(1, spent);
  }

  private stepCore(c: number): void {
    const stack = this.stacks[c]!;
    const top = stack[stack.length - 1]!;
    if (top.op.k === "return") {
      stack.pop();
      if (top.msg) {
        const m = top.msg;
        const ack = ackFor(this, c, m.from, m.id, "ipi");
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
      completeLate(this, bus, got);
    }
    if (got.kind === "ipi") {
      this.record({ seq: this.state.seq, t: this.clock, core: got.to, type: "bus.deliver", msg: got, removed: 0, ack: null });
      this.push(got.to, this.system!.ipiHandler(got.to, got), got);
      return;
    }
    if (got.kind === "tlbi") {
      const removed = tlbiVictims(core.tlb, got.op, got.vmid).length;
      const ack = got.late ? null : ackFor(this, got.to, got.from, got.id, "tlbi");
      this.record({ seq: this.state.seq, t: this.clock, core: got.to, type: "bus.deliver", msg: got, removed, ack });
      return;
    }
    this.record({ seq: this.state.seq, t: this.clock, core: got.to, type: "bus.deliver", msg: got, removed: 0, ack: null });
  }
}
