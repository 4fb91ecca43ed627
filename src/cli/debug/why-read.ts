/**
 * `why N VAR`: which write core N's last read of a shared variable took, and, under the armv8 memory
 * model, the newer write it did not see (src/memory/views.ts: a read may take any write its core's
 * views do not rule out).
 */
import type { PropagateEvent, VarEvent } from "../../events/memory-events.js";
import type { EventList } from "../../log/event-list.js";

/** The event where write `seq` reached memory (it comes after the write), if it did. */
function propagation(events: EventList, seq: number): PropagateEvent | undefined {
  for (let i = seq + 1; i < events.length; i++) {
    const e = events.at(i);
    if (e?.type === "var.propagate" && e.of === seq) return e;
  }
  return undefined;
}

function writeLine(events: EventList, seq: number): string {
  const w = seq >= 0 ? events.at(seq) : undefined;
  if (!w || (w.type !== "var.write" && w.type !== "var.xchg" && w.type !== "var.cmpxchg")) return `#${seq}`;
  const reached = w.buffered ? propagation(events, seq) : undefined;
  const where = w.buffered ? (reached ? `, reached memory at #${reached.seq}` : `, still in core ${w.core}'s store buffer`) : "";
  return `#${seq} (t=${w.t}, core ${w.core}): ${w.type === "var.write" ? "write" : w.type.slice(4)} ${w.name} ← ${w.value}${where}`;
}

export function whyReadView(events: EventList, position: number, core: number, name: string): string[] {
  let read: VarEvent | undefined;
  for (let i = Math.min(position, events.length) - 1; i >= 0; i--) {
    const e = events.at(i)!;
    if (e.type === "var.read" && e.core === core && e.name === name) {
      read = e;
      break;
    }
  }
  if (!read) return [`core ${core} has not read ${name} by #${position - 1}`];
  const out = [`why core ${core} read ${name} = ${read.old} at #${read.seq} (t=${read.t})`];
  if (read.from === undefined) {
    out.push("  sc memory model: every read takes the newest write, here the value the variable held then");
    return out;
  }
  const from = read.from;
  const own =
    from >= 0 &&
    events.at(from)?.core === core &&
    !events.slice(from, read.seq).some((e) => e.type === "var.propagate" && e.of === from);
  out.push(read.from < 0 ? `  it read the value at boot` : `  it read ${writeLine(events, read.from)}`);
  if (own)
    out.push(
      "  its own store, still in its store buffer: forwarded to the read (ARMv8 lets a core read its own store before others can)",
    );
  if (read.newest === undefined) {
    out.push("  that was the newest write of the variable in memory: the read was not stale");
    return out;
  }
  out.push(`  it did not see the newest, ${writeLine(events, read.newest)}`);
  out.push(
    "  stale, as ARMv8 allows: nothing on this core (a DMB, an acquire, an ISB after a dependency, a lock taken from its " +
      "releaser, an IPI from the writer) ordered this read after that write's arrival in memory",
  );
  return out;
}
