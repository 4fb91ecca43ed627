/**
 * The states stateful search stores at steps with no choice (stateful.ts `forcedStep`), by where they
 * lie on the DFS path: depth d holds those reached after path node d-1's current pick and before node
 * d. Their subtree is node d's (or, past the last node, the execution's tail), so they are finished
 * when node d is popped, or, with no node d, when the execution that reached them ends.
 *
 * Under a bound a finished state is complete (Visited.complete: it covers any later visit) when
 * nothing below it was left out: node d's subtree not cut, and no prune in the stretch itself at a
 * state covered only within the bound.
 */
import type { StateRef, Visited } from "./visited.js";

export class ForcedStates {
  private readonly refs: StateRef[][] = [];
  /** The states' keys, when FinalsBelow wants them (null otherwise). */
  private readonly keys: (string | null)[][] = [];
  /** Per depth: a prune in the stretch itself left something out. */
  readonly cut: boolean[] = [];

  add(depth: number, key: string | null, ref: StateRef): void {
    (this.refs[depth] ??= []).push(ref);
    (this.keys[depth] ??= []).push(key);
  }

  /** The keys of the states still on the path (not finished), up to `depth`. */
  keysUpTo(depth: number): (string | null)[] {
    const out: (string | null)[] = [];
    for (let d = 0; d <= depth && d < this.keys.length; d++) if (this.keys[d]) out.push(...this.keys[d]!);
    return out;
  }

  /**
   * Depth `d`'s states are finished; `belowCut`: node d's subtree left something out. Gives whether
   * anything below them was left out (for the node above).
   */
  finish(d: number, belowCut: boolean, store: Visited, bounded: boolean): boolean {
    const cut = belowCut || this.cut[d] === true;
    const refs = this.refs[d];
    if (bounded && !cut && refs) for (const r of refs) store.complete(r);
    this.refs[d] = [];
    this.keys[d] = [];
    this.cut[d] = false;
    return cut;
  }
}
