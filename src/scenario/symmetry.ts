/**
 * Symmetry groups (the scenario's `symmetry` field): tasks the scenario declares interchangeable, as
 * Murphi's scalarsets and SPIN's symmetry reduction declare them (Ip & Dill, "Better verification
 * through symmetry", FMSD 9, 1996). Each member is a task with an mm of its own; a permutation of a
 * group renames each member's task id and mm id (and its page table, which has the mm's name) to
 * another member's, and maps the physical pages of the member's table to the other member's pages at
 * the same VAs (the tables need not share pages: scenarios give each mm its own, and must, or a TLB
 * entry used under the wrong ASID would read the right data and hide the bug).
 *
 * A Renaming applies one permutation to values of the state: names (task, mm and table ids, and the
 * kernel's names built from them, "M0.context.id", "M0:8": a member's name followed by ".", ":" or "["),
 * and physical addresses. ASIDs and VMIDs are not renamed: they are values the allocator hands out,
 * and the renamed state keeps each one with the mm that holds it (README, "Symmetry reduction").
 */
import type { Scenario, SymmetryGroup } from "./types.js";

export type { SymmetryGroup };

/** The most permutations the search enumerates per state (the product of the groups' factorials). */
export const MAX_PERMUTATIONS = 120;

export class Renaming {
  private readonly cache = new Map<string, string>();
  constructor(
    /** Member name → its image (non-identity entries only), and back. */
    readonly names: ReadonlyMap<string, string>,
    readonly inverseNames: ReadonlyMap<string, string>,
    /** Physical address → its image (the members' pages). */
    readonly pas: ReadonlyMap<number, number>,
  ) {}

  /** The image of a string of the state: a member's name, or a name the kernel built from one. */
  name(s: string): string {
    let out = this.cache.get(s);
    if (out !== undefined) return out;
    out = this.names.get(s);
    if (out === undefined) {
      out = s;
      const cut = firstSeparator(s);
      if (cut > 0) {
        const head = this.names.get(s.slice(0, cut));
        if (head !== undefined) out = head + s.slice(cut);
      }
    }
    this.cache.set(s, out);
    return out;
  }

  /** The preimage of a member's name (task ids only need it: system.ts's quiescent). */
  inverse(s: string): string {
    return this.inverseNames.get(s) ?? s;
  }

  pa(n: number): number {
    return this.pas.get(n) ?? n;
  }

  /** A JSON-like value with every string renamed and every `pa` field mapped (tables, scripts). */
  value(v: unknown, key = ""): unknown {
    if (typeof v === "string") return this.name(v);
    if (typeof v === "number") return key === "pa" ? this.pa(v) : v;
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[this.name(k)] = this.value((v as Record<string, unknown>)[k], k);
    return out;
  }
}

/** Where a name built from a member's name goes on after it ("M0.context.id", "M0:8", "M0[1]"). */
export function firstSeparator(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */ || c === 58 /* : */ || c === 91 /* [ */) return i;
  }
  return -1;
}

/** Every permutation of 0..n-1, the identity first. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1))
    for (let at = p.length; at >= 0; at--) out.push([...p.slice(0, at), n - 1, ...p.slice(at)]);
  return out;
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

/** The number of permutations the groups make (identity included). */
export function permutationCount(groups: readonly SymmetryGroup[]): number {
  return groups.reduce((n, g) => n * factorial(g.tasks.length), 1);
}

/**
 * The renamings of every permutation of the groups but the identity. `conflict` is told of a
 * physical page a permutation would map two ways (two members' tables that do not line up).
 */
export function renamingsOf(
  scenario: Pick<Scenario, "tasks" | "tables">,
  groups: readonly SymmetryGroup[],
  conflict: (why: string) => never = (why) => {
    throw new Error(why);
  },
): Renaming[] {
  const mmOf = new Map(scenario.tasks.map((t) => [t.id, t.mm]));
  let combos: { names: Map<string, string>; pas: Map<number, number> }[] = [{ names: new Map(), pas: new Map() }];
  for (const g of groups) {
    const next: typeof combos = [];
    for (const perm of permutations(g.tasks.length)) {
      for (const c of combos) {
        const names = new Map(c.names);
        const pas = new Map(c.pas);
        perm.forEach((to, from) => {
          if (to === from) return;
          const [a, b] = [g.tasks[from]!, g.tasks[to]!];
          names.set(a, b);
          const [ma, mb] = [mmOf.get(a)!, mmOf.get(b)!];
          names.set(ma, mb);
          const ta = scenario.tables[ma] ?? {};
          const tb = scenario.tables[mb] ?? {};
          for (const va of Object.keys(ta)) {
            const pa = ta[va as unknown as number]!.pa;
            const image = tb[va as unknown as number]?.pa;
            if (image === undefined) conflict(`${ma} maps VA ${va} and ${mb} does not`);
            const was = pas.get(pa);
            if (was !== undefined && was !== image)
              conflict(`physical page 0x${pa.toString(16)} would map to 0x${was.toString(16)} and 0x${image.toString(16)}`);
            if (pa !== image) pas.set(pa, image);
          }
        });
        next.push({ names, pas });
      }
    }
    combos = next;
  }
  return combos.slice(1).map(({ names, pas }) => {
    const inverse = new Map<string, string>();
    for (const [a, b] of names) inverse.set(b, a);
    return new Renaming(names, inverse, pas);
  });
}
