/** Shared variables and locks. */
import type { MemoryEvent, VarEvent } from "../events/memory-events.js";
import type { Reducer, ReducerTable } from "./reducer.js";

/**
 * Under armv8 the newest write executed, buffered or not: what the kernel's direct reads of its own
 * lock-protected data (the ASID bitmap: test_bit under cpu_asid_lock) see.
 */
const write: Reducer<VarEvent> = (s, ev, c) => {
  s.vars[ev.name] = ev.value;
  c.counters.cycles += s.costs.atomicCycles;
};

export const memoryReducers: ReducerTable<MemoryEvent> = {
  // The variable keeps its newest value: under armv8 a read may have taken an older one.
  "var.read": (s, _ev, c) => {
    c.counters.cycles += s.costs.atomicCycles;
  },
  "var.write": write,
  "var.xchg": write,
  "var.cmpxchg": write,
  // Memory takes it: the newest in the global order now (a racing core's write may have been executed since).
  "var.propagate": (s, ev) => {
    s.vars[ev.name] = ev.value;
  },
  "lock.acquire": (s, ev, c) => {
    s.locks[ev.name] = ev.core;
    c.wait = null;
    c.counters.cycles += s.costs.atomicCycles;
  },
  "lock.release": (s, ev, c) => {
    delete s.locks[ev.name];
    c.counters.cycles += s.costs.atomicCycles;
  },
};
