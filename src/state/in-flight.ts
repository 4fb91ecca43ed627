/**
 * The messages in flight (`MachineState.inflight`): sent and not yet delivered, by id.
 *
 * Why not a plain record `{ [id]: message }` (what the state held until session 8): message ids grow
 * for the whole run, so after the first thousand or so the record's integer keys are too sparse for
 * V8's fast elements and it keeps them in a number dictionary, where a put and a delete cost ~500 ns
 * (a Map: ~110 ns; a slot in an array: a few). At 64 cores with broadcast shootdowns a third of the
 * events are deliveries, each a put and a delete. Here the messages sit in an array at slots by id
 * (slot i holds id `base + i`), which is what the ids are: dense, handed out in order
 * (`state.nextMsgId`), delivered roughly in order.
 *
 * It is the same value as the record was, seen from outside: it iterates in ascending id order (as
 * `for...in` visited the record's integer keys; a Map would visit in insertion order, and a late TLBI
 * completion is sent before the ack whose id is one below it: bus-reducers.ts), and `toJSON` gives
 * the record itself, so `canonicalJson` (the log footer's state hash), JSON.stringify and every
 * exploration hash see exactly the bytes they saw before. Copies keep the layout (base and slots), so
 * two states folded the same way compare equal field by field. immer drafts it (`immerable`): the pure
 * `apply` copies the slot array on a write, as it copies any array.
 */
import { immerable } from "immer";
import type { BusMessage } from "../../bus/messages.js";

/** Slots to start with (grown by doubling). */
const MIN_SLOTS = 16;
/**
 * The widest span of ids the slots may cover between the oldest and the newest message in flight: 2^26
 * slots (512 MB of pointers). Only a damaged log gets there (a generated one's ids are dense); it is
 * reported at its event (log/apply-logged.ts) instead of exhausting memory.
 */
const MAX_SPAN = 1 << 26;

export class MessagesInFlight implements Iterable<BusMessage> {
  static [immerable] = true;
  /** Slot i holds the message with id `base + i`, or nothing. */
  private slots: (BusMessage | undefined)[];
  private base = 0;
  /** Slots in use lie in [lo, hi); both 0 when nothing is in flight. */
  private lo = 0;
  private hi = 0;
  private n = 0;

  constructor(slots = MIN_SLOTS) {
    this.slots = new Array<BusMessage | undefined>(slots).fill(undefined);
  }

  /** The messages of a record `{ id: message }` (as the state held them before; tests write them so). */
  static of(record: Readonly<Record<number, BusMessage>>): MessagesInFlight {
    const out = new MessagesInFlight();
    for (const id in record) out.put(record[id]!);
    return out;
  }

  /** How many messages are in flight. */
  get size(): number {
    return this.n;
  }

  /** The lowest id in flight (`end` when none is). */
  get first(): number {
    return this.base + this.lo;
  }

  /** One past the highest id in flight (`first` when none is). */
  get end(): number {
    return this.base + this.hi;
  }

  get(id: number): BusMessage | undefined {
    const i = id - this.base;
    return i >= 0 && i < this.slots.length ? this.slots[i] : undefined;
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  /** Puts message `m` in flight at its id (replacing one there, as the record's assignment did). */
  put(m: BusMessage): void {
    const id = m.id;
    if (!Number.isSafeInteger(id) || id < 0) throw new Error(`message id ${String(id)} is not a non-negative integer`);
    if (this.n === 0) {
      // Empty: start the slots at this id (every slot is empty, whatever base they had).
      this.base = id - Math.min(id, this.slots.length >> 2);
      this.lo = this.hi = id - this.base;
    }
    let i = id - this.base;
    if (i < 0 || i >= this.slots.length) {
      this.regrow(id);
      i = id - this.base;
    }
    if (this.slots[i] === undefined) {
      this.n++;
      if (i < this.lo) this.lo = i;
      if (i >= this.hi) this.hi = i + 1;
    }
    this.slots[i] = m;
  }

  /** Takes message `id` out of flight; whether it was in flight. */
  delete(id: number): boolean {
    const i = id - this.base;
    const slots = this.slots;
    if (i < 0 || i >= slots.length || slots[i] === undefined) return false;
    slots[i] = undefined;
    if (--this.n === 0) {
      this.lo = this.hi = 0;
      return true;
    }
    if (i === this.lo) while (slots[this.lo] === undefined) this.lo++;
    else if (i === this.hi - 1) while (slots[this.hi - 1] === undefined) this.hi--;
    return true;
  }

  /** The messages in ascending id order. */
  *[Symbol.iterator](): Iterator<BusMessage> {
    for (let i = this.lo; i < this.hi; i++) {
      const m = this.slots[i];
      if (m !== undefined) yield m;
    }
  }

  /** The messages in ascending id order, as an array. */
  values(): BusMessage[] {
    const out: BusMessage[] = [];
    for (let i = this.lo; i < this.hi; i++) {
      const m = this.slots[i];
      if (m !== undefined) out.push(m);
    }
    return out;
  }

  /** The record `{ id: message }` the state held before: what JSON.stringify and canonicalJson render. */
  toJSON(): Record<number, BusMessage> {
    const out: Record<number, BusMessage> = {};
    for (let i = this.lo; i < this.hi; i++) {
      const m = this.slots[i];
      if (m !== undefined) out[this.base + i] = m;
    }
    return out;
  }

  /** A copy with the same layout, each message passed through `copy` (a deep copy, or a shared one). */
  copy(copy: (m: BusMessage, id: number) => BusMessage = (m) => m): MessagesInFlight {
    const out = new MessagesInFlight(0);
    const slots = new Array<BusMessage | undefined>(this.slots.length);
    for (let i = 0; i < slots.length; i++) {
      const m = this.slots[i];
      slots[i] = m === undefined ? undefined : copy(m, this.base + i);
    }
    out.slots = slots;
    out.base = this.base;
    out.lo = this.lo;
    out.hi = this.hi;
    out.n = this.n;
    return out;
  }

  /** Whether `o` keeps its messages at the same slots (same base and slot count): a copy of it would equal this. */
  sameSlots(o: MessagesInFlight): boolean {
    return o.base === this.base && o.slots.length === this.slots.length && o.lo === this.lo && o.hi === this.hi;
  }

  /** Freezes the store and its slots (an immutable snapshot's; the messages are frozen by the caller). */
  freeze(): this {
    Object.freeze(this.slots);
    return Object.freeze(this);
  }

  /** Makes room for `id`: the slots start again at the lowest of it and the ids in flight, twice as many as the span. */
  private regrow(id: number): void {
    const from = this.n === 0 ? id : Math.min(id, this.base + this.lo);
    const to = this.n === 0 ? id + 1 : Math.max(id + 1, this.base + this.hi);
    const span = to - from;
    if (span > MAX_SPAN) throw new Error(`message ids in flight span ${span} (${from} to ${to - 1}): more than ${MAX_SPAN}`);
    let size = this.slots.length;
    while (size < 2 * span) size *= 2;
    // Room below the oldest for a message sent out of order (a late completion's id is above its ack's).
    const base = from - Math.min(from, (size - span) >> 2);
    const slots = new Array<BusMessage | undefined>(size).fill(undefined);
    for (let i = this.lo; i < this.hi; i++) slots[this.base + i - base] = this.slots[i];
    this.lo = this.n === 0 ? 0 : this.base + this.lo - base;
    this.hi = this.n === 0 ? 0 : this.base + this.hi - base;
    this.slots = slots;
    this.base = base;
  }
}
