/**
 * The scenario's `symmetry` field (src/scenario/symmetry.ts): groups of interchangeable tasks, checked
 * as the scenario loads. A declaration the search would trust wrongly makes its verdict unsound, so
 * every permutation of the groups must map the scenario onto itself: same cores, scripts equal up to
 * the renaming, every page table equal to its image (the members' physical pages mapped one-to-one,
 * no other table sharing them), and no other name that the renaming of names would touch.
 */
import { MAX_PERMUTATIONS, permutationCount, renamingsOf, firstSeparator, type SymmetryGroup } from "../src/scenario/symmetry.js";
import type { PteSpec, TaskSpec } from "../src/scenario/types.js";
import type { Fields } from "./fields.js";

interface Parts {
  tasks: TaskSpec[];
  tables: Record<string, Record<number, PteSpec>>;
  kernelTable: string;
  /** Why the machine or kernel cannot take symmetry at all, or null. */
  unsupported: string | null;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
function sorted(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(sorted);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sorted((v as Record<string, unknown>)[k]);
  return out;
}

export function readSymmetry(f: Fields, raw: unknown, p: Parts): SymmetryGroup[] {
  const groups = f.array(raw, "symmetry").map((g, i): SymmetryGroup => {
    const o = f.object(g, `symmetry[${i}]`);
    f.known(o, `symmetry[${i}]`, ["tasks"]);
    return { tasks: f.array(o.tasks, `symmetry[${i}].tasks`).map((t, j) => f.string(t, `symmetry[${i}].tasks[${j}]`)) };
  });
  if (groups.length === 0) return groups;
  if (p.unsupported) f.fail("symmetry", p.unsupported);
  const byId = new Map(p.tasks.map((t) => [t.id, t]));
  const member = new Map<string, number>();
  for (const [i, g] of groups.entries()) {
    const at = `symmetry[${i}].tasks`;
    if (g.tasks.length < 2) f.fail(at, "a group needs at least two tasks");
    for (const id of g.tasks) {
      const t = byId.get(id);
      if (!t) f.fail(at, `no task "${id}"`);
      if (member.has(id)) f.fail(at, `task "${id}" is in two groups (or twice in one)`);
      member.set(id, i);
      if (t.mm === p.kernelTable) f.fail(at, `task "${id}" is a kernel thread: members need an mm of their own`);
      const sharer = p.tasks.find((o) => o.id !== id && o.mm === t.mm);
      if (sharer) f.fail(at, `task "${id}" shares mm "${t.mm}" with task "${sharer.id}": members need an mm of their own`);
      const first = byId.get(g.tasks[0]!)!;
      if (t.cores.length !== 1 || !same(t.cores, first.cores))
        f.fail(at, `task "${id}" must be pinned to the same one core as "${first.id}" (cores ${JSON.stringify(t.cores)})`);
    }
  }
  const count = permutationCount(groups);
  if (count > MAX_PERMUTATIONS)
    f.fail("symmetry", `the groups make ${count} permutations; the search enumerates at most ${MAX_PERMUTATIONS} per state`);
  // The renaming of names reaches names built from a member's ("M0.context.id"): no other name may look like one.
  const memberNames = new Set<string>();
  for (const id of member.keys()) memberNames.add(id).add(byId.get(id)!.mm);
  const others = [...p.tasks.flatMap((t) => [t.id, t.mm]), ...Object.keys(p.tables)].filter((n) => !memberNames.has(n));
  for (const n of others) {
    const cut = firstSeparator(n);
    if (memberNames.has(n) || (cut > 0 && memberNames.has(n.slice(0, cut))))
      f.fail("symmetry", `name "${n}" begins with a member's name and a separator; rename it or leave its task out`);
  }
  const renamings = renamingsOf(p, groups, (why) => f.fail("symmetry", `members' page tables do not line up: ${why}`));
  for (const r of renamings) {
    const images = new Set(r.pas.values());
    if (images.size !== r.pas.size || [...images].some((pa) => !r.pas.has(pa)))
      f.fail("symmetry", "members' page tables do not line up: their physical pages are not one-to-one");
    for (const id of Object.keys(p.tables)) {
      const image = r.name(id);
      if (!same(r.value(p.tables[id]), p.tables[image]))
        f.fail("symmetry", `table "${image}" is not table "${id}" renamed (same VAs, pages one-to-one, none shared)`);
    }
    for (const t of p.tasks) {
      const image = byId.get(r.name(t.id))!;
      if (!same(r.value(t.script), image.script))
        f.fail(`symmetry[${member.get(t.id) ?? 0}].tasks`, `task "${image.id}"'s script is not task "${t.id}"'s renamed`);
    }
  }
  return groups;
}
