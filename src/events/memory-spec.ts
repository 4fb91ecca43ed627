/** Specs of shared-memory events: kernel variables and locks. */
import type { MemoryEvent, VarEvent } from "./memory-events.js";
import { changes, NOTHING, type SpecTable, type Touches } from "./spec.js";

const VARS = changes([], ["vars"]);
const LOCKS = changes([], ["locks"]);
// A core that waited for the lock stops waiting when it takes it.
const ACQUIRE = changes(["wait"], ["locks"]);

const from = (seq: number | undefined): string => (seq === undefined || seq < 0 ? "boot" : `#${seq}`);

// Under armv8 (`from` / `co` present) which writes a read may take depends on the global order of the
// writes to every variable (a core's views are timestamps in it), so every armv8 read and write also
// touches one object, `mem`: all such writes are dependent, and each read with each write. Sound for
// DPOR (more dependence, never less); reads of different cores still commute (a read changes only its
// own core's views). Under sc nothing changes.
function readTouches(ev: VarEvent, t: Touches): void {
  t.read(`v:${ev.name}`);
  if (ev.from !== undefined) t.read("mem");
}
function writeTouches(ev: VarEvent, t: Touches): void {
  t.write(`v:${ev.name}`);
  if (ev.co !== undefined) t.write("mem");
}

export const memorySpecs: SpecTable<MemoryEvent> = {
  // A read stores the value it read: the variables are as they were.
  "var.read": {
    changes: NOTHING,
    touches: readTouches,
    describe: (ev) =>
      `${ev.name} → ${ev.old}${ev.newest !== undefined ? ` (stale: from ${from(ev.from)}, not #${ev.newest})` : ""}`,
  },
  "var.write": {
    changes: VARS,
    touches: writeTouches,
    describe: (ev) => `${ev.name} ← ${ev.value}${ev.buffered ? " (store buffer)" : ""}`,
  },
  "var.xchg": { changes: VARS, touches: writeTouches, describe: (ev) => `xchg ${ev.name} ${ev.old}→${ev.value}` },
  "var.cmpxchg": { changes: VARS, touches: writeTouches, describe: (ev) => `cmpxchg ${ev.name} ${ev.old}→${ev.value}` },
  // Memory takes the value: it is the variable's newest from now on.
  "var.propagate": {
    changes: VARS,
    touches: (ev, t) => {
      t.write(`v:${ev.name}`);
      t.write("mem");
    },
    describe: (ev) => `${ev.name} = ${ev.value} (written at #${ev.of}) reaches memory`,
  },
  "lock.acquire": { changes: ACQUIRE, touches: (ev, t) => t.write(`l:${ev.name}`), describe: (ev) => `lock ${ev.name}` },
  "lock.release": { changes: LOCKS, touches: (ev, t) => t.write(`l:${ev.name}`), describe: (ev) => `unlock ${ev.name}` },
};
