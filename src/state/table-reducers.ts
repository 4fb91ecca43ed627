/** Page-table pages (machine.walkCache): a table page unlinked from its level-1 entry, then freed for reuse. */
import type { TableEvent } from "../events/table-events.js";
import { ownTable } from "./own-table.js";
import type { ReducerTable } from "./reducer.js";
import { tablePageFreed, tablePageUnlinked } from "./table-pages.js";

export const tableReducers: ReducerTable<TableEvent> = {
  "pt.unlink": (s, ev, c) => {
    tablePageUnlinked(s, ownTable(s, ev.table), ev.table, ev.va);
    c.counters.cycles += s.costs.atomicCycles;
  },
  "pt.free": (s, ev, c) => {
    tablePageFreed(s, ev.pfn);
    c.counters.cycles += s.costs.otherCycles;
  },
};
