/** Specs of page-table page events (src/events/table-events.ts). */
import { hex, PAGE_SIZE } from "../../cores/page-table.js";
import { changes, type SpecTable } from "./spec.js";
import type { TableEvent } from "./table-events.js";

export const tableSpecs: SpecTable<TableEvent> = {
  "pt.unlink": {
    // The table's level-1 entry (walks read `pt:TABLE`); its descriptors become unreachable.
    changes: changes([], ["tables"]),
    touches: (ev, t) => {
      t.write(`pt:${ev.table}`);
      t.write(`ptpage:${ev.pfn}`);
    },
    describe: (ev) => `pmd_clear ${ev.table} ${hex(ev.va)} (table page ${hex(ev.pfn * PAGE_SIZE)})`,
  },
  "pt.free": {
    changes: changes([], ["tables"]),
    touches: (ev, t) => t.write(`ptpage:${ev.pfn}`),
    describe: (ev) => `free table page ${hex(ev.pfn * PAGE_SIZE)}`,
  },
};
