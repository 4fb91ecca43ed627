/**
 * The engine's ready work, kept from step to step instead of listed afresh: the cores that can step
 * (ascending) and the messages that can be delivered (ascending id, the order `state.inflight`
 * iterates in), which together are the step options in the order the engine has always offered
 * them, so logs and schedules stay as they were. The ready set changes by one or a few items per step:
 * a send adds a message (ids are handed out in order), a delivery removes one, and a core's readiness
 * is looked at again only after an event on that core or, for a core waiting on something shared (a
 * lock, a ready task), after every step. The cores are bit sets (ready-cores.ts); the messages sit at
 * slots by id in a DueIndex, which counts and finds the ready and the due ones in O(log n): at 64
 * cores with broadcast shootdowns, hundreds of messages are in flight, and splicing them out of a sorted
 * list and counting the due ones cost a tenth of the run.
 */
import type { BusMessage } from "../../bus/messages.js";
import { DueIndex } from "./due-index.js";
import { ReadyCores } from "./ready-cores.js";

/**
 * What a chooser may ask of the ready items without listing them: the steps come first (cores, then
 * messages), the speculative walks last.
 */
export interface ReadyView {
  readonly steps: number;
  readonly specs: number;
  /** The earliest time a step is ready at (Infinity with none). */
  earliest(): number;
  /** How many steps are ready by `horizon`. */
  countBy(horizon: number): number;
  /** The option index of the k-th (from 0) step ready by `horizon`, in option order. */
  indexBy(horizon: number, k: number): number;
}

export class ReadySet implements ReadyView {
  private readonly ready: ReadyCores;
  /** Each core's CPSR.I as the set last saw it (an IPI to it is ready only with interrupts on). */
  private readonly irqOn: boolean[];
  /** The IPIs in flight to each core, ready or held back while its interrupts are masked. */
  private readonly ipis: BusMessage[][];
  /** The messages in flight at slots by id (slot 0 holds id `base`). */
  private index: DueIndex;
  private slots: (BusMessage | undefined)[];
  private base = 0;
  specs = 0;

  constructor(
    cores: number,
    irqOn: (c: number) => boolean,
    /** When each core is ready to step next (the engine's array, read live). */
    readyAt: readonly number[],
    /** Message slots to start with (doubled when the ids in flight span more than half of them). */
    private capacity = 64,
  ) {
    this.ready = new ReadyCores(cores, readyAt);
    this.irqOn = Array.from({ length: cores }, (_, c) => irqOn(c));
    this.ipis = Array.from({ length: cores }, () => []);
    this.slots = new Array<BusMessage | undefined>(capacity);
    this.index = new DueIndex(capacity);
  }

  /** Cores that can step now, ascending. */
  get cores(): readonly number[] {
    return this.ready.cores;
  }

  /** How many messages can be delivered now. */
  get nMsgs(): number {
    return this.index.offeredCount;
  }

  /** The i-th (from 0) deliverable message in id order (the last answer is kept: a step asks up to three times). */
  msgAt(i: number): BusMessage {
    if (i === this.lastAt && this.lastMsg) return this.lastMsg;
    this.lastAt = i;
    return (this.lastMsg = this.slots[this.index.kthOffered(i)]!);
  }
  private lastAt = -1;
  private lastMsg: BusMessage | null = null;

  /** The deliverable messages in id order, into `out` (reused); how many. */
  listMsgs(out: BusMessage[]): number {
    let n = 0;
    const need = this.nMsgs;
    for (let i = 0; n < need && i < this.capacity; i++) if (this.index.isOffered(i)) out[n++] = this.slots[i]!;
    out.length = n;
    return n;
  }

  setCore(c: number, ready: boolean): void {
    this.ready.set(c, ready);
  }

  /** Core c's readyAt went from `was` to a later time (it stepped). */
  coreMoved(c: number, was: number): void {
    this.ready.moved(c, was);
  }

  /** A message just sent (its id is above every message's in the set). */
  sent(m: BusMessage): void {
    this.lastMsg = null;
    if (m.id - this.base >= this.capacity) this.rebase(m.id);
    this.slots[m.id - this.base] = m;
    const held = m.kind === "ipi" && !this.irqOn[m.to];
    if (m.kind === "ipi") this.ipis[m.to]!.push(m);
    this.index.put(m.id - this.base, m.deliverAt, !held);
  }

  delivered(m: BusMessage): void {
    const i = m.id - this.base;
    if (i < 0 || i >= this.capacity || this.slots[i] !== m) return;
    this.lastMsg = null;
    this.slots[i] = undefined;
    this.index.remove(i);
    if (m.kind === "ipi") {
      const list = this.ipis[m.to]!;
      list.splice(list.indexOf(m), 1);
    }
  }

  get steps(): number {
    return this.ready.cores.length + this.index.offeredCount;
  }

  earliest(): number {
    return Math.min(this.ready.earliest(), this.index.earliest());
  }

  countBy(horizon: number): number {
    return this.ready.dueBy(horizon) + this.index.dueBy(horizon);
  }

  indexBy(horizon: number, k: number): number {
    const nc = this.ready.dueBy(horizon);
    if (k < nc) return this.ready.kthDue(horizon, k);
    k -= nc;
    if (k >= this.index.dueBy(horizon)) return -1;
    const slot = this.index.kthDue(horizon, k);
    const j = this.index.offeredBefore(slot);
    // The pick is taken next: msgAt(j) (the engine asks for its core, then delivers it) need not find the slot again.
    this.lastAt = j;
    this.lastMsg = this.slots[slot]!;
    return this.ready.cores.length + j;
  }

  /** After an event on core c: IPIs to it become ready or are held back when its interrupts change. */
  irqChanged(c: number, on: boolean): void {
    if (this.irqOn[c] === on) return;
    this.irqOn[c] = on;
    this.lastMsg = null;
    for (const m of this.ipis[c]!) this.index.setOffered(m.id - this.base, on);
  }

  /**
   * Makes room for id `next`: the slots start again at the oldest message in flight, twice as many
   * when the ids in flight would fill more than half of them (so a rebase comes at most once per
   * half the slots' worth of sends).
   */
  private rebase(next: number): void {
    const old = this.index;
    const oldSlots = this.slots;
    let first = 0;
    while (first < this.capacity && oldSlots[first] === undefined) first++;
    const base = first < this.capacity ? this.base + first : next;
    let capacity = this.capacity;
    while (next - base + 1 > capacity / 2) capacity *= 2;
    const index = new DueIndex(capacity, old.lastHorizon);
    const slots = new Array<BusMessage | undefined>(capacity);
    for (let i = first; i < this.capacity; i++) {
      const m = oldSlots[i];
      if (m === undefined) continue;
      slots[m.id - base] = m;
      index.put(m.id - base, m.deliverAt, old.isOffered(i));
    }
    this.index = index;
    this.slots = slots;
    this.base = base;
    this.capacity = capacity;
  }
}
