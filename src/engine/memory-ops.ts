/**
 * Shared-variable, lock and barrier operations under machine.memoryModel "armv8": the view machine of
 * src/memory/views.ts decides which writes a read may take, the pick is a recorded `read` choice
 * (index 0 the newest write, so a default pick reads as sequential consistency would), and the events
 * say which write each read took (`from`), the newest one it did not see (`newest`) and each write's
 * place in the global order (`co`), for the debugger and DPOR (src/events/memory-spec.ts).
 */
import type { ArmMemory, BufferedWrite, MemWrite, Ordering } from "../memory/views.js";
import type { Machine } from "./machine.js";
import type { Op } from "./ops.js";

type VarOp = Extract<Op, { k: "read" | "write" | "xchg" | "cmpxchg" }>;

const from = (w: MemWrite): string => (w.seq < 0 ? "boot" : `#${w.seq}`);

export function armVarOp(m: Machine, mem: ArmMemory, c: number, op: VarOp): number {
  const s = m.state;
  const name = op.name;
  const boot = s.vars[name] ?? 0;
  if (op.k === "read") {
    const ord: Ordering = op.ord ?? "relaxed";
    const addr = op.addr === true;
    const own = mem.buffered(c, name);
    if (own) {
      // Its own store, still in the store buffer: forwarded, whatever memory holds.
      mem.readForwarded(c, ord, addr);
      m.record({ seq: s.seq, t: m.now, core: c, type: "var.read", name, old: own.value, value: own.value, from: own.seq });
      return own.value;
    }
    const cands = mem.candidates(c, name, boot, ord, addr);
    const i = m.choose(c, "read", cands.length, (k) => `${name} = ${cands[k]!.value} from ${from(cands[k]!)}`);
    const w = cands[i]!;
    mem.read(c, name, w, ord, addr);
    const ev = { seq: s.seq, t: m.now, core: c, type: "var.read" as const, name, old: w.value, value: w.value, from: w.seq };
    m.record(i > 0 ? { ...ev, newest: cands[0]!.seq } : ev);
    return w.value;
  }
  if (op.k === "write") {
    const old = mem.buffered(c, name)?.value ?? mem.newest(name, boot).value;
    if (op.ord !== "release") {
      mem.bufferWrite(c, { name, value: op.value, boot, seq: s.seq });
      m.record({ seq: s.seq, t: m.now, core: c, type: "var.write", name, old, value: op.value, buffered: true });
      return 0;
    }
    // STLR: after everything before it (the buffer drains first), and not buffered itself.
    drain(m, mem, c);
    const co = mem.write(c, name, boot, op.value, m.state.seq, "release");
    m.record({ seq: m.state.seq, t: m.now, core: c, type: "var.write", name, old, value: op.value, co });
    return 0;
  }
  drain(m, mem, c);
  // A read-modify-write (LDXR/STXR or an LSE atomic; its core's buffer drained first) reads the newest write: nothing may come between
  // its read and its write in the global order (the atomicity axiom).
  const ord: Ordering = op.ord ?? "full";
  const w = mem.newest(name, boot);
  const old = w.value;
  const ok = op.k === "xchg" || old === op.expect;
  if (!ok) {
    // A failed cmpxchg is a plain read: no ordering (Documentation/atomic_t.txt, "a failed RMW ... is unordered").
    mem.read(c, name, w, "relaxed", false);
    m.record({ seq: s.seq, t: m.now, core: c, type: "var.cmpxchg", name, old, value: old });
    return old;
  }
  // Fully ordered: as arm64's LL/SC sequence with `dmb ish` (or SWPAL/CASAL): ordered with everything
  // before and after it (arch/arm64/include/asm/atomic_ll_sc.h, cmpxchg.h).
  if (ord === "full") mem.dmb(c, "full");
  mem.read(c, name, w, ord === "acquire" || ord === "full" ? "acquire" : "relaxed", false);
  const co = mem.write(c, name, boot, op.value, s.seq, ord === "release" || ord === "full" ? "release" : "relaxed");
  if (ord === "full") mem.dmb(c, "full");
  m.record({ seq: s.seq, t: m.now, core: c, type: op.k === "xchg" ? "var.xchg" : "var.cmpxchg", name, old, value: op.value, co });
  return old;
}

/** Every buffered write of core `c` reaches memory, in program order (a barrier, a release, an RMW, an IPI). */
export function drain(m: Machine, mem: ArmMemory, c: number): void {
  for (;;) {
    const w = mem.ready(c)[0];
    if (!w) return;
    propagateOne(m, mem, c, w);
  }
}

/** A step of core `c`'s store buffer: one of its writes that may go next reaches memory (a recorded choice). */
export function propagateStep(m: Machine, mem: ArmMemory, c: number): void {
  const ready = mem.ready(c);
  const i = m.choose(
    c,
    "store",
    ready.length,
    (k) => `${ready[k]!.name} = ${ready[k]!.value} (#${ready[k]!.seq}) reaches memory`,
  );
  propagateOne(m, mem, c, ready[i]!);
}

function propagateOne(m: Machine, mem: ArmMemory, c: number, w: BufferedWrite): void {
  const co = mem.propagate(c, w);
  m.record({ seq: m.state.seq, t: m.now, core: c, type: "var.propagate", name: w.name, value: w.value, of: w.seq, co });
}
