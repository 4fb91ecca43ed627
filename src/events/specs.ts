/**
 * Every event type's spec, in one table: `satisfies EventSpecs` makes a type of the union without a
 * spec a compile error (test/events/specs.test.ts shows it).
 */
import { busSpecs } from "./bus-spec.js";
import { coreSpecs } from "./core-spec.js";
import { engineSpecs } from "./engine-spec.js";
import { hypSpecs } from "./hyp-spec.js";
import type { EventType, SimEvent } from "./index.js";
import { kernelSpecs } from "./kernel-spec.js";
import { memorySpecs } from "./memory-spec.js";
import type { EventSpec, EventSpecs } from "./spec.js";
import { tableSpecs } from "./table-spec.js";
import { tlbSpecs } from "./tlb-spec.js";

export const EVENT_SPECS = {
  ...engineSpecs,
  ...coreSpecs,
  ...memorySpecs,
  ...tlbSpecs,
  ...tableSpecs,
  ...busSpecs,
  ...kernelSpecs,
  ...hypSpecs,
} satisfies EventSpecs;

/** Every event type, in the table's order. */
export const EVENT_TYPES = Object.keys(EVENT_SPECS) as EventType[];

/** The spec of an event's type, typed for a general event (for dispatch over the union). */
export const specOf = (type: string): EventSpec<SimEvent> | undefined =>
  (EVENT_SPECS as Record<string, EventSpec<SimEvent> | undefined>)[type];
