/**
 * The ARMv8 memory model for the scenarios' shared variables and locks, as an operational machine:
 * the view-based model of Pulte et al., "Promising-ARM/RISC-V: a simpler and faster operational
 * concurrency model" (PLDI 2019, section 4), which is equivalent to the axiomatic ARMv8 model of the
 * ARM ARM (B2.3, "Definition of the Armv8 memory model") that src/memory/armv8.ts checks, here without
 * promises. Memory is one list of writes in a global order (ARMv8 is other-multi-copy atomic: a write
 * is seen by every other core at one moment); a write takes the next timestamp when it executes; a read
 * may take any write of its location that its core's views do not rule out, newer or older.
 *
 * A plain store goes first to its core's store buffer (as the "flat" model's per-thread write
 * queue does, Pulte et al. POPL 2018, section 5): its core reads it from there at once, and it reaches
 * memory (takes its timestamp) later, at a recorded step; two buffered stores to different locations may
 * reach memory in either order (store-store reordering, which ARMv8 allows: `po` between two writes is
 * not in `ob` without a barrier, a release or a dependency). Stores to one location reach memory in
 * program order (coherence). A release store, a read-modify-write, DMB/DSB (full or ST), an IPI (the
 * GIC driver's `wmb()` before it) and an IPI handler's completion (csd_unlock: smp_store_release) first
 * drain the buffer, in program order.
 *
 * Soundness (every behaviour it produces is allowed by ARMv8): each run is a Promising-ARM run in
 * which no thread promises, and every such run is one of the model's (Pulte et al. 2019, theorem 1:
 * Promising-ARM = the axiomatic model). Whatever is approximated here errs towards *more* ordering
 * (fewer behaviours), never less:
 * - without promises a write is never seen before a program-earlier read of its core has executed,
 *   so load buffering is not produced; a buffered write keeps the view of the moment it reaches memory
 *   (later than Promising's, which is allowed: a write may always reach memory later);
 * - a read of the core's own buffered write is forwarded with the view it had before (Promising's
 *   forwarding bank, rfi not in `ob`); buffers drain in program order (one of the allowed orders);
 * - every value a read returns counts as feeding a branch (the control-address view `cap` takes it),
 *   so an `isb` orders every earlier read before later ones; an address dependency is declared on the
 *   operation (`addr`) and taken from all earlier reads;
 * - a read-modify-write reads the newest write of its location (atomicity without a promise);
 * - a read of the core's own write that has reached memory takes the write's timestamp as its view.
 */
import { PendingPtes } from "./pte-visibility.js";

export type Ordering = "relaxed" | "acquire" | "release" | "full";
export type DmbKind = "full" | "ld" | "st";

/** One write of a location: its timestamp in the global order, its value, and the event that made it. */
export interface MemWrite {
  readonly t: number;
  readonly value: number;
  /** The log's `seq` of the write (-1: the value at boot). */
  readonly seq: number;
}

/** A plain store not yet in memory: its core sees it, the others do not. */
export interface BufferedWrite {
  readonly name: string;
  readonly value: number;
  readonly boot: number;
  /** The `seq` of its var.write event. */
  readonly seq: number;
}

/** A core's views (Promising-ARM's thread state): timestamps that its later accesses must not go below. */
interface Views {
  /** Reads and writes so far (for barriers and releases). */
  rOld: number;
  wOld: number;
  /** What a later read / write must be after (raised by barriers and acquires). */
  rNew: number;
  wNew: number;
  /** Control and address dependencies so far (an ISB makes later reads wait for them). */
  cap: number;
  /** The last release write (an acquire read after it is ordered after it: LDAR after STLR). */
  rel: number;
  /** Per location: the newest write this core has read or written (coherence). */
  coh: Map<string, number>;
}

const newViews = (): Views => ({ rOld: 0, wOld: 0, rNew: 0, wNew: 0, cap: 0, rel: 0, coh: new Map() });

export class ArmMemory {
  /** Page-table stores not yet visible to every walker (src/memory/pte-visibility.ts). */
  readonly ptes = new PendingPtes();
  private clock = 0;
  private readonly history = new Map<string, MemWrite[]>();
  private readonly views: Views[];
  /** Per lock: everything its last releaser had seen (an acquirer's later accesses come after it). */
  private readonly released = new Map<string, number>();

  private readonly buffers: BufferedWrite[][];

  /**
   * @param fencedLocks 32-bit ARM's spinlocks (arch/arm/include/asm/spinlock.h, v3.10 to v5.x):
   * arch_spin_lock ends with smp_mb() and arch_spin_unlock is smp_mb(); owner++; dsb_sev(), so a lock
   * orders like DMB ISH after its acquire and an unlock like DMB ISH before its release, stronger than
   * arm64's LDAXR / STLR (arch/arm64/include/asm/spinlock.h, qspinlock), which is the default.
   */
  constructor(
    cores: number,
    private readonly fencedLocks = false,
  ) {
    this.views = Array.from({ length: cores }, newViews);
    this.buffers = Array.from({ length: cores }, () => []);
  }

  /** Core `c`'s newest buffered write of `name`, if any (what its reads of `name` take). */
  buffered(c: number, name: string): BufferedWrite | undefined {
    const b = this.buffers[c]!;
    for (let i = b.length - 1; i >= 0; i--) if (b[i]!.name === name) return b[i];
    return undefined;
  }

  hasBuffered(c: number): boolean {
    return this.buffers[c]!.length > 0;
  }

  /** Buffered writes of core `c` that may reach memory next: the oldest of each location. */
  ready(c: number): BufferedWrite[] {
    const b = this.buffers[c]!;
    return b.filter((w, i) => !b.slice(0, i).some((x) => x.name === w.name));
  }

  bufferWrite(c: number, w: BufferedWrite): void {
    this.buffers[c]!.push(w);
  }

  /** `w` (one of `ready(c)`) reaches memory: returns its timestamp. */
  propagate(c: number, w: BufferedWrite): number {
    const b = this.buffers[c]!;
    b.splice(b.indexOf(w), 1);
    return this.write(c, w.name, w.boot, w.value, w.seq, "relaxed");
  }

  /** A read of core `c`'s own buffered write: ordered as the views already are (forwarding). */
  readForwarded(c: number, ord: Ordering, addr: boolean): void {
    const v = this.views[c]!;
    const post = this.preView(v, ord, addr);
    if (post > v.rOld) v.rOld = post;
    if (ord === "acquire" || ord === "full") this.raise(v, post, post);
  }

  /** The writes of `name` in the global order; `boot` is its value before the first write. */
  private writesOf(name: string, boot: number): MemWrite[] {
    let h = this.history.get(name);
    if (!h) this.history.set(name, (h = [{ t: 0, value: boot, seq: -1 }]));
    return h;
  }

  private preView(v: Views, ord: Ordering, addr: boolean): number {
    let pre = v.rNew;
    if (addr && v.rOld > pre) pre = v.rOld;
    // LDAR is ordered after an earlier STLR of its core (RCsc: ARM ARM B2.3.7, "bob").
    if ((ord === "acquire" || ord === "full") && v.rel > pre) pre = v.rel;
    return pre;
  }

  /**
   * The writes core `c` may read for `name` now, newest first: the one its views require at least
   * (the newest at or before max(coh, pre-view)) and every newer one.
   */
  candidates(c: number, name: string, boot: number, ord: Ordering, addr: boolean): readonly MemWrite[] {
    const v = this.views[c]!;
    const h = this.writesOf(name, boot);
    const bound = Math.max(v.coh.get(name) ?? 0, this.preView(v, ord, addr));
    let floor = h.length - 1;
    while (floor > 0 && h[floor]!.t > bound) floor--;
    const out: MemWrite[] = [];
    for (let i = h.length - 1; i >= floor; i--) out.push(h[i]!);
    return out;
  }

  /** The newest write of `name` (what an SC machine would read). */
  newest(name: string, boot: number): MemWrite {
    const h = this.writesOf(name, boot);
    return h[h.length - 1]!;
  }

  /** Core `c` read `w`: its views move past it. */
  read(c: number, name: string, w: MemWrite, ord: Ordering, addr: boolean): void {
    const v = this.views[c]!;
    const post = Math.max(this.preView(v, ord, addr), w.t);
    if (post > (v.coh.get(name) ?? 0)) v.coh.set(name, post);
    if (post > v.rOld) v.rOld = post;
    // Conservatively, every value read may decide a branch or an address: more order, never less.
    if (post > v.cap) v.cap = post;
    if (ord === "acquire" || ord === "full") this.raise(v, post, post);
  }

  /** Core `c` writes `value` to `name` (event `seq`); returns the write's timestamp. */
  write(c: number, name: string, boot: number, value: number, seq: number, ord: Ordering): number {
    const v = this.views[c]!;
    const t = ++this.clock;
    this.writesOf(name, boot).push({ t, value, seq });
    if (t > (v.coh.get(name) ?? 0)) v.coh.set(name, t);
    v.wOld = t;
    if (ord === "release" || ord === "full") v.rel = t;
    return t;
  }

  /** DMB (and DSB, which orders at least as much): ARM ARM B2.3.7 "Barrier-ordered-before". */
  dmb(c: number, kind: DmbKind): void {
    const v = this.views[c]!;
    const all = Math.max(v.rOld, v.wOld);
    if (kind === "full") this.raise(v, all, all);
    else if (kind === "ld") this.raise(v, v.rOld, v.rOld);
    else this.raise(v, 0, v.wOld);
  }

  /** ISB: later reads wait for the control and address dependencies before it. */
  isb(c: number): void {
    const v = this.views[c]!;
    if (v.cap > v.rNew) v.rNew = v.cap;
  }

  /** spin_lock: an acquire of the lock word, which last held its releaser's unlock. */
  lock(c: number, name: string): void {
    const v = this.views[c]!;
    const r = this.released.get(name) ?? 0;
    if (r > v.rOld) v.rOld = r;
    this.raise(v, r, r);
    if (this.fencedLocks) this.dmb(c, "full");
  }

  /** spin_unlock: a release (smp_store_release of the lock word): after all the core has seen. */
  unlock(c: number, name: string): void {
    if (this.fencedLocks) this.dmb(c, "full");
    const v = this.views[c]!;
    this.released.set(name, Math.max(v.rOld, v.wOld));
  }

  /**
   * An IPI or its ack leaves core `c`. smp_call_function queues the call with llist_add (a fully
   * ordered cmpxchg) before the SGI, and the handler's csd_unlock is smp_store_release
   * (kernel/smp.c): the receiver's llist_del_all (a fully ordered xchg) or csd_lock_wait
   * (smp_cond_load_acquire) then sees everything the sender had seen. Message id → the sender's view.
   */
  send(c: number, msgId: number): void {
    const v = this.views[c]!;
    this.messages.set(msgId, Math.max(v.rOld, v.wOld));
  }

  /** Message `msgId` reaches core `c`: an acquire of what its sender had seen. */
  receive(c: number, msgId: number): void {
    const r = this.messages.get(msgId);
    if (r === undefined) return;
    this.messages.delete(msgId);
    const v = this.views[c]!;
    if (r > v.rOld) v.rOld = r;
    this.raise(v, r, r);
    if (this.fencedLocks) this.dmb(c, "full");
  }

  private readonly messages = new Map<number, number>();

  private raise(v: Views, r: number, w: number): void {
    if (r > v.rNew) v.rNew = r;
    if (w > v.wNew) v.wNew = w;
  }
}
