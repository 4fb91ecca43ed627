/**
 * Final states reachable below each stored state (when asked: tests compare them with stateless
 * search's): a pruned execution's finals are those of the state it was pruned at.
 */
export class FinalsBelow {
  private readonly below = new Map<string, Set<string>>();
  readonly all = new Set<string>();
  /** The execution along `keys` ended in `final`, or was pruned at `prunedAt`. */
  add(keys: readonly (string | null)[], final: string | null, prunedAt: string | null): void {
    const found = prunedAt !== null ? this.below.get(prunedAt) : final !== null ? new Set([final]) : undefined;
    if (!found) return;
    for (const f of found) this.all.add(f);
    for (const k of keys) {
      if (k === null) continue;
      let set = this.below.get(k);
      if (!set) this.below.set(k, (set = new Set()));
      for (const f of found) set.add(f);
    }
  }
}
