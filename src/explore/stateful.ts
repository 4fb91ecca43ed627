/**
 * Stateful depth-first search (SPIN's, Holzmann 1997; here without partial-order reduction): the
 * preemption-bounded DFS of dfs.ts, which also stores every state it reaches at a scheduling choice
 * point (state-key.ts: machine, kernel, hypervisor, messages in flight, each core's program trace)
 * and prunes a continuation that reaches a state already explored with at least the same remaining
 * bound. Executions still start from the initial state (step programs are generators, which cannot
 * be copied), so pruning saves a schedule's suffix, not its prefix.
 *
 * Why a prune is sound: the future of an execution from a choice point is fixed by the engine's state
 * there, which state-key.ts encodes completely, and the choices still to make. A state is stored when
 * DFS first reaches it, and DFS explores everything below it before the search ends, so any schedule
 * through a second visit is, from that state on, one DFS runs (or ran) below the first: the same
 * events, the same invariant checks, the same final states. With a bound, the first visit covers the
 * second when it had no more preemptions behind it and the same item last, or one fewer (visited.ts).
 * A stored state on the current path (a cycle) is pruned too: its successors are being explored.
 *
 * It gives an exhaustive verdict within the bound, like DFS; stateless DPOR's verdict (up to
 * equivalence) stays the other exhaustive one. Their combination (Yang et al., SPIN 2008) is not
 * done: a DPOR prune at a stored state must carry the stored state's races forward, which needs the
 * dependence information of every explored continuation.
 */
import { decodeKey, MSG_KEY_BASE, type ChoiceKind, type StepOption } from "../engine/chooser.js";
import type { Engine, System } from "../engine/engine.js";
import type { MachineState } from "../state/machine-state.js";
import { backtrack, defaultPick, isPreemption, type BacktrackHooks, type ChoiceNode } from "./dfs.js";
import { Abandon } from "./execution.js";
import { strHash, ProgramTrace } from "./program-trace.js";
import { Resumer, type ResumableChooser } from "./resume.js";
import { stateHash } from "./state-hash.js";
import { stateKey } from "./state-key.js";
import type { Strategy, StrategyOptions } from "./strategy.js";
import type { StateRef, Visited } from "./visited.js";

/** Thrown at a prune: one instance (an Error's stack trace, taken at each prune, was 5% of the search). */
const PRUNED = new Abandon();

/** SPIN's figures for a stateful search. */
export interface StatefulStats {
  /** States reached that were new (or reached with more bound left): explored. */
  stored: number;
  /** States reached that were explored already: pruned there. */
  matched: number;
  /** The most scheduling choice points on one path (SPIN's "depth reached"). */
  depth: number;
  /** Executions resumed from a snapshot, and started over because the programs' replay failed (resume.ts). */
  resumed: number;
  startedOver: number;
}

/** The item that ran last, as far as the preemption bound cares: a delivered message is never ready again. */
const lastClass = (key: number): number => (key >= MSG_KEY_BASE ? -1 : key);

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

/** What a snapshot keeps of the chooser (resume.ts). */
interface ChooserMark {
  prevKey: number;
  preemptions: number;
  trace: ReturnType<ProgramTrace["save"]>;
}

class StatefulChooser implements ResumableChooser<ChooserMark> {
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
  ) {
    this.trace = new ProgramTrace(cores);
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
  private checkpoint(): void {
    const system = this.system;
    if (!system?.quiescent || !this.engine) return;
    for (let c = 0; c < this.trace.a.length; c++) {
      if (!this.trace.isDirty(c) || this.engine.mainAt(c)?.k !== "pick-task") continue;
      const q = system.quiescent(c);
      if (q === null) continue;
      this.trace.reset(c, q);
      // From here a rebuild of this core's programs need not replay what they did before (resume.ts).
      this.resumer.point(c, system);
    }
  }

  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number {
    this.trace.current = -1;
    if (kind === "step") this.checkpoint();
    let node = this.path[this.depth];
    if (!node) {
      const keys = kind === "step" ? options.slice(0, of).map((o) => o.key) : null;
      if (keys) {
        // Unbounded, neither the preemptions so far nor the item last run matter.
        const pre = this.bounded ? this.preemptions : 0;
        const last = this.bounded ? lastClass(this.prevKey) : 0;
        let key: string | null = null;
        let ref: StateRef;
        let fresh: boolean;
        if (this.store.visitHash) {
          // The hash stores need the key's 64-bit hash only: computed without building the key.
          stateHash(this.state!, this.trace, 0, this.hash);
          fresh = this.store.visitHash(this.hash[0]!, this.hash[1]!, pre, last);
          ref = [this.hash[0]!, this.hash[1]!];
          if (this.wantKeys) key = `${this.hash[0]}.${this.hash[1]}`;
        } else fresh = this.store.visit((ref = key = stateKey(this.state!, this.trace, 0)), pre, last);
        if (!fresh) {
          this.stats.matched++;
          this.prunedAt = key;
          // Pruned at a state covered only within the bound: what lies below here is not known whole.
          if (this.bounded && !this.store.isComplete(ref)) this.cut[this.path.length - 1] = true;
          throw PRUNED;
        }
        this.stats.stored++;
        this.keys[this.path.length] = key;
        this.refs[this.path.length] = ref;
        // The state before this pick, to resume the executions that pick otherwise here (resume.ts).
        this.resumer.take(this.path.length, this.state!, {
          prevKey: this.prevKey,
          preemptions: this.preemptions,
          trace: this.trace.save(),
        });
      } else this.keys[this.path.length] = this.refs[this.path.length] = null;
      const pick = defaultPick(keys, this.prevKey);
      node = { of, keys, prevKey: this.prevKey, preBefore: this.preemptions, current: pick, tried: [pick] };
      this.path.push(node);
      if (this.path.length > this.stats.depth) this.stats.depth = this.path.length;
    }
    this.depth++;
    if (isPreemption(node, node.current)) this.preemptions++;
    return node.current;
  }

  stepped(key: number): void {
    this.prevKey = key;
    const item = decodeKey(key);
    if (item.k !== "msg") {
      this.trace.current = item.c;
      return;
    }
    const m = this.state!.inflight.get(item.id)!;
    this.trace.current = m.to;
    // An IPI starts a handler on the receiving core with the message: part of that core's trace.
    if (m.kind === "ipi") this.trace.note(strHash(m.ipi), Math.imul(m.arg | 0, 31) ^ m.from);
  }

  resumed(core: number, value: number): void {
    this.trace.resumed(core, value);
    this.resumer.log.resumed(core, value);
  }
}

/** Whether backtracking could still pick something new at `n` (dfs.ts's `backtrack` would). */
function hasUntried(n: ChoiceNode, bound: number): boolean {
  for (let i = 0; i < n.of; i++) if (!n.tried.includes(i) && n.preBefore + (isPreemption(n, i) ? 1 : 0) <= bound) return true;
  return false;
}

/** `finals`: when given, gathers the final states reachable, pruned executions included. */
export function statefulStrategy(
  o: StrategyOptions,
  store: Visited,
  stats: StatefulStats,
  cores: number,
  finals?: FinalsBelow,
): Strategy {
  if (o.share.of > 1 || o.share.index > 0 || o.share.prefix) throw new Error("stateful search runs on one thread");
  const path: ChoiceNode[] = [];
  const keys: (string | null)[] = [];
  let current: StatefulChooser | null = null;
  let started = false;
  const bounded = o.preemptions !== Infinity;
  let resumer: Resumer<ChooserMark> | null = null;
  /**
   * With a bound, a state is first stored with the preemptions it was reached with, and a later visit
   * with fewer is explored again. But where the bound left out no pick anywhere below a state (and
   * no prune below it relied on the bound), its unbounded subtree was explored: it is marked complete
   * and covers every later visit. With a bound no path reaches (the acceptance's 1000), that makes the
   * bounded search store what the unbounded one stores.
   */
  const cut: boolean[] = [];
  const refs: (StateRef | null)[] = [];
  const onBacktrack: BacktrackHooks | undefined = bounded
    ? {
        cut: (i) => void (cut[i] = true),
        popped: (i) => {
          if (cut[i]) {
            if (i > 0) cut[i - 1] = true;
          } else if (refs[i]) store.complete(refs[i]);
          cut[i] = false;
        },
      }
    : undefined;
  /** The path node whose pick the next execution changes (-1: the first execution). */
  let from = -1;
  return {
    name: "dfs",
    exhaustive: true,
    lastIndex: -1,
    next() {
      if (started && !backtrack(path, o.preemptions, onBacktrack)) return null;
      started = true;
      keys.length = path.length;
      from = path.length - 1;
      this.lastIndex++;
      return (current = new StatefulChooser(
        path,
        store,
        stats,
        bounded,
        cores,
        keys,
        (resumer ??= new Resumer(cores, stats)),
        finals !== undefined,
        refs,
        cut,
      ));
    },
    execute(t, _chooser, hooks) {
      return resumer!.run(t, current!, hooks, from, from >= 0 && !hasUntried(path[from]!, o.preemptions));
    },
    done(exec) {
      if (!finals || !current) return;
      finals.add(keys.slice(0, path.length), exec.abandoned ? null : exec.finalHash, current.prunedAt);
    },
  };
}
