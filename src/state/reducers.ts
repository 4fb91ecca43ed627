/**
 * Every event type's reducer, in one table: `satisfies` makes a type of the union without one a compile
 * error, as for the specs (src/events/specs.ts). applyInPlace dispatches through it.
 */
import type { SimEvent } from "../events/index.js";
import type { Reducer, ReducerTable } from "./reducer.js";
import { busReducers } from "./bus-reducers.js";
import { coreReducers } from "./core-reducers.js";
import { engineReducers } from "./engine-reducers.js";
import { hypReducers } from "./hyp-reducers.js";
import { kernelReducers } from "./kernel-reducers.js";
import { memoryReducers } from "./memory-reducers.js";
import { tableReducers } from "./table-reducers.js";
import { tlbReducers } from "./tlb-reducers.js";

export const REDUCERS = {
  ...engineReducers,
  ...coreReducers,
  ...memoryReducers,
  ...tlbReducers,
  ...tableReducers,
  ...busReducers,
  ...kernelReducers,
  ...hypReducers,
} satisfies ReducerTable<SimEvent>;

/** The table typed for a general event: dispatch by the event's own type (prototype-less: no Object member is a type). */
export const reducerOf: Readonly<Record<string, Reducer<SimEvent>>> = Object.assign(
  Object.create(null) as Record<string, Reducer<SimEvent>>,
  REDUCERS,
);
