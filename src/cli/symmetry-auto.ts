/**
 * `explore --symmetry auto`: symmetry groups found instead of declared. Candidates are the tasks that
 * could be members (an mm of their own, pinned to one core, not a vCPU thread) grouped by core and
 * script (physical addresses aside); each candidate group is then put through the same checks as a
 * declared one (scenarios/symmetry-format.ts, by re-reading the scenario with it), and kept only if it
 * passes. So a group found is one a user could have declared, and as sound.
 */
import { MAX_PERMUTATIONS, permutationCount, type SymmetryGroup } from "../scenario/symmetry.js";
import type { Scenario } from "../scenario/types.js";

/** A script's text with its `pa` fields left out (members' own pages differ). */
function shape(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(shape);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) if (k !== "pa") out[k] = shape((v as Record<string, unknown>)[k]);
  return out;
}

/** The scenario with the groups found (none: as it was, without any). `check` re-reads a scenario (Catalog.check). */
export function detectSymmetry(scenario: Scenario, check: (raw: unknown) => Scenario): Scenario {
  const mmUsers = new Map<string, number>();
  for (const t of scenario.tasks) mmUsers.set(t.mm, (mmUsers.get(t.mm) ?? 0) + 1);
  const byShape = new Map<string, string[]>();
  for (const t of scenario.tasks) {
    if (t.vcpu !== undefined || t.cores.length !== 1 || t.mm === scenario.kernelTable || mmUsers.get(t.mm) !== 1) continue;
    const key = `${t.cores[0]}|${JSON.stringify(shape(t.script))}`;
    byShape.set(key, [...(byShape.get(key) ?? []), t.id]);
  }
  const { symmetry: _declared, ...rest } = scenario;
  const attempt = (groups: SymmetryGroup[]): Scenario | null => {
    try {
      return check({ ...rest, symmetry: groups });
    } catch {
      return null;
    }
  };
  // Each candidate on its own, the larger first, while the permutations stay within the limit.
  const found: SymmetryGroup[] = [];
  const candidates = [...byShape.values()].filter((ids) => ids.length >= 2).sort((a, b) => b.length - a.length);
  for (const tasks of candidates) {
    const g = { tasks };
    if (permutationCount([...found, g]) > MAX_PERMUTATIONS) continue;
    if (attempt([g]) && attempt([...found, g])) found.push(g);
  }
  return found.length > 0 ? attempt(found)! : rest;
}
