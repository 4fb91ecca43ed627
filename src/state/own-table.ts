/** A page table the run writes to, copied from the scenario's frozen one on the first write. */
import type { PageTable } from "../../cores/page-table.js";
import type { MachineState } from "./machine-state.js";

/**
 * The table `id`, made this state's own first when it is still the scenario's frozen one (an initial
 * state shares the scenario's tables and copies one only when the run writes to it).
 */
export function ownTable(s: MachineState, id: string): PageTable {
  // Own entries only: a table named like an Object member ("toString") must not find that member.
  const t = Object.hasOwn(s.tables, id) ? s.tables[id] : undefined;
  if (!t) return (s.tables[id] = {});
  return Object.isFrozen(t) ? (s.tables[id] = { ...t }) : t;
}
