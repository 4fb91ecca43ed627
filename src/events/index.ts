/** The event union: every family, assembled. Narrow with `EventOf<"tlb.fill">`. */
import type { BusEvent } from "./bus-events.js";
import type { CoreEvent } from "./core-events.js";
import type { EngineEvent } from "./engine-events.js";
import type { HypEvent } from "./hyp-events.js";
import type { KernelEvent } from "./kernel-events.js";
import type { MemoryEvent } from "./memory-events.js";
import type { TableEvent } from "./table-events.js";
import type { TlbEvent } from "./tlb-events.js";

export type SimEvent = EngineEvent | CoreEvent | MemoryEvent | TlbEvent | TableEvent | BusEvent | KernelEvent | HypEvent;
export type EventType = SimEvent["type"];
export type EventOf<K extends EventType> = Extract<SimEvent, { type: K }>;

/** Distributes Omit over the union so each member keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before the engine stamps it with seq, time and core. */
export type EventBody = DistributiveOmit<SimEvent, "seq" | "t" | "core">;
