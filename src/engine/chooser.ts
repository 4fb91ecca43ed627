/**
 * Strategies that make the run's choices. The engine lists the options in a defined order and asks
 * for an index; whatever decides it, the index is logged, so any run is replayed by its picks alone.
 */
import { Prng } from "./prng.js";
import { ScheduleSyntaxError } from "./schedule.js";
import type { ReadyView } from "./ready.js";

export type ChoiceKind = "step" | "program" | "victim" | "read" | "store";

/**
 * What the chooser may know of a step option: when it became ready, whether it is speculative, and a
 * stable key for the "thread" it belongs to (see `itemKey`), which exploration needs.
 */
export interface StepOption {
  readyAt: number;
  spec: boolean;
  key: number;
}

/** The options of a choice that is not a step (they have none to describe). */
export const NO_OPTIONS: readonly StepOption[] = [];

/** Keys of ready items: core c → c; bus message #m → MSG_KEY_BASE + m; speculative walk → negative. */
export const MSG_KEY_BASE = 64;
export const coreKey = (c: number): number => c;
export const msgKey = (id: number): number => MSG_KEY_BASE + id;
/** Speculative walks per core a key can name (the VAs of `machine.speculation.vas`). */
const SPEC_KEYS_PER_CORE = 1024;
export const specKey = (c: number, vaIndex: number): number => -(1 + c * SPEC_KEYS_PER_CORE + vaIndex);

/** Under armv8, core c's store buffer (a write reaching memory): below every speculative-walk key (at most 64 cores). */
const FLUSH_KEY_BASE = 64 * SPEC_KEYS_PER_CORE;
export const flushKey = (c: number): number => -(1 + FLUSH_KEY_BASE + c);

/** What a ready-item key names: the inverse of coreKey, msgKey, specKey and flushKey. */
export type ReadyItem =
  { k: "core"; c: number } | { k: "msg"; id: number } | { k: "spec"; c: number; vaIndex: number } | { k: "flush"; c: number };
export function decodeKey(key: number): ReadyItem {
  if (key >= MSG_KEY_BASE) return { k: "msg", id: key - MSG_KEY_BASE };
  if (key >= 0) return { k: "core", c: key };
  const n = -key - 1;
  if (n >= FLUSH_KEY_BASE) return { k: "flush", c: n - FLUSH_KEY_BASE };
  return { k: "spec", c: Math.floor(n / SPEC_KEYS_PER_CORE), vaIndex: n % SPEC_KEYS_PER_CORE };
}

export interface Chooser {
  /** For kind "step", `options` describes each option; otherwise it is empty and `of` counts them. */
  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number;
  /**
   * A step pick from what the ready items' view answers (how many, how many are due by a time, which
   * is the k-th of those), for a chooser that needs no more; undefined, with nothing consumed: the
   * engine lists the options and calls `pick`. Listing them costs a pass over every ready item at every step, which
   * at 64 cores with shootdowns in flight was most of a run.
   */
  pickByCount?(view: ReadyView): number | undefined;
  /** Told the key of every item the engine carries out, chosen or forced (exploration's bookkeeping). */
  stepped?(key: number): void;
  /**
   * Told every value the engine resumes a program of `core` with (an operation's result): with the
   * live state a program reads, everything a program's next move depends on (stateful search).
   */
  resumed?(core: number, value: number): void;
}

export type StrategyName = "random" | "fifo";

/** The earliest-ready non-speculative option, ties to the first listed: the schedule time alone gives. */
export class FifoChooser implements Chooser {
  /** The first step ready at the earliest time (with none ready, the first option, as `pick`). */
  pickByCount(view: ReadyView): number {
    return view.steps === 0 ? 0 : view.indexBy(view.earliest(), 0);
  }
  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number {
    if (kind !== "step") return 0;
    let best = -1;
    for (let i = 0; i < of; i++) {
      const o = options[i]!;
      if (o.spec) continue;
      if (best < 0 || o.readyAt < options[best]!.readyAt) best = i;
    }
    return best < 0 ? 0 : best;
  }
}

/**
 * Uniform among the non-speculative options; a speculative walk is taken instead with probability
 * `specRate` when one is possible (hardware may walk at any time, but rarely relative to instructions).
 */
export class RandomChooser implements Chooser {
  private readonly prng: Prng;
  /**
   * `windowCycles`: only options ready within this many cycles of the earliest one are candidates, so
   * latencies and costs shape the schedule as they do on hardware; Infinity ignores virtual time.
   */
  constructor(
    seed: number,
    private readonly specRate: number,
    private readonly windowCycles = Infinity,
  ) {
    this.prng = new Prng(seed);
  }
  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number {
    if (kind !== "step") return this.prng.below(of);
    let earliest = Infinity;
    let specs = 0;
    for (let i = 0; i < of; i++) {
      const o = options[i]!;
      if (o.spec) specs++;
      else if (o.readyAt < earliest) earliest = o.readyAt;
    }
    const horizon = earliest + this.windowCycles;
    // The candidate steps, in option order (a reused array: this runs at every step of a run).
    const steps = this.steps;
    let n = 0;
    for (let i = 0; i < of; i++) {
      const o = options[i]!;
      if (!o.spec && o.readyAt <= horizon) steps[n++] = i;
    }
    const wantSpec = n === 0 || (specs > 0 && this.prng.chance(this.specRate));
    if (!wantSpec) return steps[this.prng.below(n)]!;
    let k = this.prng.below(specs);
    for (let i = 0; i < of; i++) if (options[i]!.spec && k-- === 0) return i;
    return 0;
  }
  private readonly steps: number[] = [];
  /**
   * With no window every step is a candidate, and the steps come before the speculative walks: the
   * same draws as `pick`, from the counts.
   */
  pickByCount(view: ReadyView): number {
    const { steps, specs } = view;
    const horizon = view.earliest() + this.windowCycles;
    const n = steps === 0 ? 0 : this.windowCycles === Infinity ? steps : view.countBy(horizon);
    const wantSpec = n === 0 || (specs > 0 && this.prng.chance(this.specRate));
    if (!wantSpec) {
      const k = this.prng.below(n);
      return this.windowCycles === Infinity ? k : view.indexBy(horizon, k);
    }
    return steps + this.prng.below(specs);
  }
}

/**
 * Follows a recorded list of picks, then hands over to `rest`. `strict`: a pick out of range is an
 * error (a user's schedule that does not fit this scenario); otherwise it wraps (exploration, shrinking).
 */
export class ScheduleChooser implements Chooser {
  private i = 0;
  /** The picks when they are a plain array (exploration's hot path indexes it directly). */
  private readonly array: readonly number[] | null;
  constructor(
    private readonly picks: { readonly length: number; at(i: number): number | undefined },
    private readonly rest: Chooser,
    private readonly strict: boolean,
  ) {
    this.array = Array.isArray(picks) ? (picks as readonly number[]) : null;
  }
  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number {
    if (this.i >= this.picks.length) return this.rest.pick(kind, of, options);
    const p = this.array ? this.array[this.i++]! : this.picks.at(this.i++)!;
    if (p < of) return p;
    if (this.strict) {
      throw new ScheduleSyntaxError(
        `schedule string: choice #${this.i} is ${p}, but only ${of} options are open at that point (a ${kind} choice)`,
      );
    }
    return p % of;
  }
  pickByCount(view: ReadyView): number | undefined {
    if (this.i >= this.picks.length) return this.rest.pickByCount?.(view);
    return this.pick("step", view.steps + view.specs, []);
  }
  /** Recorded picks not used (yet): a finished run with some left was given a schedule that does not fit. */
  get unused(): number {
    return this.picks.length - this.i;
  }
}
