/**
 * The ready items of one step, in option order: the ready cores and the deliverable messages (the
 * ready set, kept between steps), then the speculative walks and, under armv8, the cores whose store
 * buffer holds a write (both listed afresh each step). Item i is known to the chooser by its index,
 * to exploration by its key (`coreKey`, `msgKey`, `specKey`, `flushKey`) and to the log by a sentence.
 */
import type { BusMessage } from "../../bus/messages.js";
import { hex } from "../../cores/page-table.js";
import type { ArmMemory } from "../memory/views.js";
import type { MachineState } from "../state/machine-state.js";
import { coreKey, flushKey, msgKey, specKey, type Chooser, type StepOption } from "./chooser.js";
import type { ReadySet } from "./ready.js";
import type { SpeculativeWalks, SpecItem } from "./speculation.js";

export class StepItems {
  readonly specs: SpecItem[] = [];
  readonly flushes: number[] = [];
  /** The step options, filled only for a chooser that needs more than their number (reused objects). */
  private readonly options: StepOption[] = [];
  private nOptions = 0;
  /** The deliverable messages, listed with the options (reused). */
  private readonly msgs: BusMessage[] = [];

  constructor(
    readonly ready: ReadySet,
    private readonly cores: number,
  ) {}

  /** Lists this step's walks and store buffers after the ready set's items; returns how many items there are. */
  list(s: MachineState, spec: SpeculativeWalks | null, mem: ArmMemory | null): number {
    const { specs, flushes } = this;
    // Cleared only when not empty: setting an array's length is a call into the runtime even to 0 from 0.
    if (specs.length !== 0) specs.length = 0;
    if (flushes.length !== 0) flushes.length = 0;
    // Walks that would fill something new: a walk that faults or finds its entry present changes nothing.
    if (spec) for (let c = 0; c < this.cores; c++) for (const it of spec.of(s, c)) specs.push(it);
    // Under armv8: each core with buffered writes may have one reach memory (src/memory/views.ts).
    if (mem) for (let c = 0; c < this.cores; c++) if (mem.hasBuffered(c)) flushes.push(c);
    return this.ready.steps + specs.length + flushes.length;
  }

  /** The chooser's pick among `of` items: by their number when it needs no more, else from the options. */
  pick(chooser: Chooser, of: number, readyAt: readonly number[], clock: number): number {
    this.ready.specs = this.specs.length;
    // The ready view knows cores, messages and walks; with store-buffer items the options are listed.
    const pick = this.flushes.length === 0 ? chooser.pickByCount?.(this.ready) : undefined;
    if (pick !== undefined) return pick;
    this.nOptions = 0;
    const { cores } = this.ready;
    const msgs = this.msgs;
    this.ready.listMsgs(msgs);
    for (const c of cores) this.option(readyAt[c]!, false, coreKey(c));
    for (const m of msgs) this.option(m.deliverAt, false, msgKey(m.id));
    for (const it of this.specs) this.option(clock, true, specKey(it.c, it.vaIndex));
    for (const c of this.flushes) this.option(clock, false, flushKey(c));
    return chooser.pick("step", of, this.options);
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

  keyOf(i: number): number {
    const { cores, nMsgs } = this.ready;
    if (i < cores.length) return coreKey(cores[i]!);
    if (i < cores.length + nMsgs) return msgKey(this.ready.msgAt(i - cores.length).id);
    const j = i - cores.length - nMsgs;
    if (j >= this.specs.length) return flushKey(this.flushes[j - this.specs.length]!);
    const it = this.specs[j]!;
    return specKey(it.c, it.vaIndex);
  }

  /** The core item i is about: the core that steps, the receiver of a message, the core that walks or drains. */
  coreOf(i: number): number {
    const { cores, nMsgs } = this.ready;
    if (i < cores.length) return cores[i]!;
    if (i < cores.length + nMsgs) return this.ready.msgAt(i - cores.length).to;
    const j = i - cores.length - nMsgs;
    return j >= this.specs.length ? this.flushes[j - this.specs.length]! : this.specs[j]!.c;
  }

  describe(i: number, coreNames: readonly string[]): string {
    const { cores, nMsgs } = this.ready;
    if (i < cores.length) return coreNames[cores[i]!]!;
    if (i >= cores.length + nMsgs) {
      const j = i - cores.length - nMsgs;
      if (j >= this.specs.length) return `core ${this.flushes[j - this.specs.length]!}'s store buffer`;
      const it = this.specs[j]!;
      return `speculative walk on core ${it.c} of VA ${hex(it.va)}`;
    }
    const m = this.ready.msgAt(i - cores.length);
    const what = m.kind === "ipi" ? `IPI ${m.ipi}` : m.kind === "tlbi" ? `TLBI ${m.op.scope}` : `ack of #${m.of}`;
    return `deliver #${m.id} ${what} from core ${m.from} to core ${m.to}`;
  }
}
