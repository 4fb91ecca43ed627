/** Specs of shared-memory events: kernel variables and locks. */
import type { MemoryEvent } from "./memory-events.js";
import { changes, NOTHING, type SpecTable } from "./spec.js";

const VARS = changes([], ["vars"]);
const LOCKS = changes([], ["locks"]);

export const memorySpecs: SpecTable<MemoryEvent> = {
  // A read stores the value it read: the variables are as they were.
  "var.read": { changes: NOTHING, touches: (ev, t) => t.read(`v:${ev.name}`), describe: (ev) => `${ev.name} → ${ev.old}` },
  "var.write": { changes: VARS, touches: (ev, t) => t.write(`v:${ev.name}`), describe: (ev) => `${ev.name} ← ${ev.value}` },
  "var.xchg": { changes: VARS, touches: (ev, t) => t.write(`v:${ev.name}`), describe: (ev) => `xchg ${ev.name} ${ev.old}→${ev.value}` },
  "var.cmpxchg": { changes: VARS, touches: (ev, t) => t.write(`v:${ev.name}`), describe: (ev) => `cmpxchg ${ev.name} ${ev.old}→${ev.value}` },
  "lock.acquire": { changes: LOCKS, touches: (ev, t) => t.write(`l:${ev.name}`), describe: (ev) => `lock ${ev.name}` },
  "lock.release": { changes: LOCKS, touches: (ev, t) => t.write(`l:${ev.name}`), describe: (ev) => `unlock ${ev.name}` },
};
