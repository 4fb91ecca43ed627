/**
 * Which cores share a TLB (machine.sharedTlb; the mechanism is in shared-tlb.ts). Apart from it so the
 * initial state can compute the groups without shared-tlb.ts, which reads the state's type.
 */
/** Per core, the other cores of its TLB group (empty: a private TLB), from the groups a scenario lists. */
export function siblingsOf(cores: number, groups: readonly (readonly number[])[]): number[][] {
  const out: number[][] = Array.from({ length: cores }, () => []);
  for (const g of groups) for (const c of g) out[c] = g.filter((o) => o !== c);
  return out;
}
