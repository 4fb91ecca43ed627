/**
 * The chooser of stateful search (stateful.ts): at each new scheduling choice point it looks the state
 * up in the store and prunes the execution there when it was explored already; it takes a snapshot
 * to resume from (resume.ts), takes a core's local step alone (local-steps.ts), and looks states up at
 * some steps with no choice (forced-states.ts).
 */
import { decodeKey, MSG_KEY_BASE, type ChoiceKind, type StepOption } from "../engine/chooser.js";
import type { Engine, System } from "../engine/engine.js";
import type { MachineState } from "../state/machine-state.js";
import type { Renaming } from "../scenario/symmetry.js";
import { canonicalHash, canonicalKey } from "./canonical.js";
import { restartAtLoopHeads } from "./loop-heads.js";
import { defaultPick, isPreemption, type ChoiceNode } from "./dfs.js";
import { Abandon } from "./execution.js";
import type { ForcedStates } from "./forced-states.js";
import { isLocalStep } from "./local-steps.js";
import { ProgramTrace, traceStep } from "./program-trace.js";
import type { Resumer, ResumableChooser } from "./resume.js";
import { stateHash } from "./state-hash.js";
import { stateKey } from "./state-key.js";
import type { StateRef, Visited } from "./visited.js";

/** Thrown at a prune: one instance (an Error's stack trace, taken at each prune, was 5% of the search). */
const PRUNED = new Abandon();

/** The item that ran last, as far as the preemption bound cares: a delivered message is never ready again. */
const lastClass = (key: number): number => (key >= MSG_KEY_BASE ? -1 : key);

/** SPIN's figures for a stateful search. */
export interface StatefulStats {
  /** States reached that were new (or reached with more bound left): explored. */
  stored: number;
  /** States reached that were explored already: pruned there. */
  matched: number;
  /** The most scheduling choice points on one path (SPIN's "depth reached"). */
  depth: number;
  /** Choice points where a local step was the only pick taken (local-steps.ts). */
  reduced: number;
  /** Executions resumed from a snapshot, and started over because the programs' replay failed (resume.ts). */
  resumed: number;
  startedOver: number;
}

/** What a snapshot keeps of the chooser (resume.ts). */
export interface ChooserMark {
  prevKey: number;
  preemptions: number;
  trace: ReturnType<ProgramTrace["save"]>;
}

export class StatefulChooser implements ResumableChooser<ChooserMark> {
  /** The state key where this execution was pruned, if it was. */
  prunedAt: string | null = null;
  private depth = 0;
  private prevKey = -1_000_000;
  private preemptions = 0;
  readonly trace: ProgramTrace;
  private state: MachineState | null = null;
  private readonly hash = new Uint32Array(2);

  constructor(
    private readonly path: ChoiceNode[],
    private readonly store: Visited,
    private readonly stats: StatefulStats,
    private readonly bounded: boolean,
    cores: number,
    /** The key of the state at each choice node of the path (null: a data choice). */
    private readonly keys: (string | null)[],
    private readonly resumer: Resumer<ChooserMark>,
    /** Whether the keys of the path's states are wanted (FinalsBelow), not only their hashes. */
    private readonly wantKeys: boolean,
    /** Per path node: the state as the store knows it (null: a data choice), and whether the bound left out a pick below it (see statefulStrategy). */
    private readonly refs: (StateRef | null)[],
    private readonly cut: boolean[],
    private readonly forced: ForcedStates,
    /** Take a local step of the core that ran last without offering the others (local-steps.ts). */
    private readonly reduce: boolean,
    private readonly speculativeWalks: boolean,
    /** Symmetry reduction: the renamings whose images the state is canonicalised over (canonical.ts). */
    private readonly syms: readonly Renaming[],
  ) {
    this.trace = new ProgramTrace(cores, syms);
  }

  /** The live state (at the end of an execution: its final state). */
  get live(): MachineState | null {
    return this.state;
  }

  resumeAt(depth: number, m: ChooserMark): void {
    this.trace.restore(m.trace);
    this.depth = depth;
    this.prevKey = m.prevKey;
    this.preemptions = m.preemptions;
  }

  /** The state the step programs read: the live one, through a view that records their reads. */
  readonly programView = (state: MachineState): MachineState => {
    this.state = state;
    return this.trace.view(state);
  };

  private engine: Engine | null = null;
  private system: System | null = null;
  readonly attach = (engine: Engine, system: System): void => {
    this.engine = engine;
    this.system = system;
  };

  /** Where a core's programs are plain data (its scheduler's loop head), its trace starts over from them. */
  private checkpoint(): boolean {
    return restartAtLoopHeads(this.trace, this.engine, this.system, (c, system) => this.resumer.point(c, system), this.syms);
  }

  /**
   * Looks the state up in the store (the state before the next step): throws PRUNED when it was
   * explored already, with at least this much bound left; otherwise stores it and gives its key and ref.
   */
  private visit(): { key: string | null; ref: StateRef } {
    // Unbounded, neither the preemptions so far nor the item last run matter.
    const pre = this.bounded ? this.preemptions : 0;
    const last = this.bounded ? lastClass(this.prevKey) : 0;
    let key: string | null = null;
    let ref: StateRef;
    let fresh: boolean;
    if (this.store.visitHash) {
      // The hash stores need the key's 64-bit hash only: computed without building the key.
      if (this.syms.length > 0) canonicalHash(this.state!, this.trace, 0, this.hash);
      else stateHash(this.state!, this.trace, 0, this.hash);
      fresh = this.store.visitHash(this.hash[0]!, this.hash[1]!, pre, last);
      ref = [this.hash[0]!, this.hash[1]!];
      if (this.wantKeys) key = `${this.hash[0]}.${this.hash[1]}`;
    } else {
      key = this.syms.length > 0 ? canonicalKey(this.state!, this.trace, 0) : stateKey(this.state!, this.trace, 0);
      fresh = this.store.visit((ref = key), pre, last);
    }
    if (!fresh) {
      this.stats.matched++;
      this.prunedAt = key;
      // Pruned at a state covered only within the bound: what lies below here is not known whole.
      if (this.bounded && !this.store.isComplete(ref)) {
        if (this.path.length > 0) this.cut[this.path.length - 1] = true;
        this.forced.cut[this.path.length] = true;
      }
      throw PRUNED;
    }
    this.stats.stored++;
    return { key, ref };
  }

  /** The index among `keys` of the core that ran last when its next step is local (local-steps.ts), or -1. */
  private localItem(keys: readonly number[]): number {
    if (!this.reduce || this.prevKey < 0 || this.prevKey >= MSG_KEY_BASE) return -1;
    const i = keys.indexOf(this.prevKey);
    if (i < 0) return -1;
    const item = decodeKey(this.prevKey);
    if (item.k !== "core") return -1;
    const op = this.engine?.nextOp(item.c);
    return op && isLocalStep(op, this.state!.cores[item.c]!, this.speculativeWalks) ? i : -1;
  }

  /** Whether the last step was picked (a choice point) rather than the only one ready. */
  private picked = false;
  /** No state has been looked up since the last choice point. */
  private afterPick = false;

  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number {
    this.trace.current = -1;
    this.picked = true;
    if (kind === "step") this.checkpoint();
    let node = this.path[this.depth];
    if (!node) {
      const keys = kind === "step" ? options.slice(0, of).map((o) => o.key) : null;
      if (keys) {
        const { key, ref } = this.visit();
        this.keys[this.path.length] = key;
        this.refs[this.path.length] = ref;
        // The state before this pick, to resume the executions that pick otherwise here (resume.ts).
        this.resumer.take(this.path.length, this.state!, {
          prevKey: this.prevKey,
          preemptions: this.preemptions,
          trace: this.trace.save(),
        });
      } else this.keys[this.path.length] = this.refs[this.path.length] = null;
      const local = keys ? this.localItem(keys) : -1;
      const pick = local >= 0 ? local : defaultPick(keys, this.prevKey);
      // A local step is the only one taken here (local-steps.ts): the other picks count as tried.
      const tried = local >= 0 ? keys!.map((_, i) => i) : [pick];
      if (local >= 0) this.stats.reduced++;
      node = { of, keys, prevKey: this.prevKey, preBefore: this.preemptions, current: pick, tried };
      this.path.push(node);
      if (this.path.length > this.stats.depth) this.stats.depth = this.path.length;
    }
    this.depth++;
    if (isPreemption(node, node.current)) this.preemptions++;
    return node.current;
  }

  /**
   * A step with no choice (one item ready) past the path's known part: its state is stored and looked
   * up too. Without it, once one core has finished the other runs alone to the end in every
   * execution that gets there, however many times the same state was reached (a15-vmid-small: a
   * tail of hundreds of steps after each new state near the end).
   */
  private forcedStep(): void {
    if (this.depth < this.path.length || this.state === null) return;
    this.trace.current = -1;
    // Looked up where another order is likely to meet this one: right after a choice point, and
    // where a core's trace has just started over (its loop head). In between, a core's trace is a
    // history that only this order has, so the lookups would only store (fewer lookups prune less,
    // never wrongly).
    const reset = this.checkpoint();
    if (!reset && !this.afterPick) return;
    this.afterPick = false;
    const { key, ref } = this.visit();
    this.forced.add(this.path.length, key, ref);
  }

  stepped(key: number): void {
    if (!this.picked) this.forcedStep();
    else this.afterPick = true;
    this.picked = false;
    this.prevKey = key;
    traceStep(this.trace, key, this.state!);
  }

  resumed(core: number, value: number): void {
    this.trace.resumed(core, value);
    this.resumer.log.resumed(core, value);
  }
}
