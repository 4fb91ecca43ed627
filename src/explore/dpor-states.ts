/**
 * The state store of stateful DPOR (`explore --strategy dpor --stateful`; dpor.ts, dpor-summaries.ts):
 * each new scheduling choice point's state (state-key.ts's encoding, or its 64-bit hash: the same
 * machine state, messages and program traces stateful DFS stores) is looked up; a new one is stored
 * and its path node remembers its key until the node's subtree is done and the key gets its summary;
 * an explored one gives its summary and the execution is pruned there.
 */
import type { MachineState } from "../state/machine-state.js";
import { DporSummaries, type Summary } from "./dpor-summaries.js";
import type { ProgramTrace } from "./program-trace.js";
import { stateHash } from "./state-hash.js";
import { stateKey } from "./state-key.js";
import type { StatefulStats } from "./stateful-chooser.js";
import type { Visited } from "./visited.js";

export class DporStates {
  readonly summaries = new DporSummaries();
  private readonly hash = new Uint32Array(2);

  /**
   * `carry`: whether a prune carries its state's summary to the path (false: a plain prune, which
   * loses schedules; for tests only).
   */
  constructor(
    private readonly store: Visited,
    readonly stats: StatefulStats,
    readonly carry = true,
  ) {}

  /** At a new scheduling choice point at path depth `d`: the summary to prune with, or null (explore it). */
  visit(d: number, state: MachineState, trace: ProgramTrace): Summary | null {
    let key: string;
    let fresh: boolean;
    if (this.store.visitHash) {
      stateHash(state, trace, 0, this.hash);
      fresh = this.store.visitHash(this.hash[0]!, this.hash[1]!, 0, 0);
      key = `${this.hash[0]}.${this.hash[1]}`;
    } else fresh = this.store.visit((key = stateKey(state, trace, 0)), 0, 0);
    if (!fresh) {
      // Explored, its subtree done (the graph is acyclic: never a node of this path).
      const summary = this.summaries.get(key);
      if (summary) {
        this.stats.matched++;
        return summary;
      }
    }
    this.stats.stored++;
    this.summaries.stateAt[d] = key;
    if (d + 1 > this.stats.depth) this.stats.depth = d + 1;
    return null;
  }
}
