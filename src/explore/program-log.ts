/**
 * What the step programs were given, kept so that their generators can be rebuilt at an earlier
 * point of the execution (stateful search resumes from a stored state: resume.ts). A generator
 * cannot be copied, but it is a deterministic function of what it is given: the values the engine
 * resumes it with, each IPI handler started with its message, and what it reads of the live state
 * (through program-trace.ts's view, which logs each read's result here). Replaying those to fresh
 * generators of a fresh kernel, in the order they happened, leaves them (and the kernel's JS-side
 * data they keep: per-CPU data, script positions, the hypervisor's vCPU loops) where the originals
 * were, without running the engine: no events, no invariants, no state changes.
 *
 * The log is one sequence for all cores, so programs that share JS data between cores replay in the
 * order they ran. A replay checks what it is given against what the programs ask for; a program
 * that asks for something else (it read something not through the view) makes the replay fail, and
 * the caller starts the execution over instead.
 */
import type { IpiMessage } from "../../bus/messages.js";
import type { Chooser } from "../engine/chooser.js";
import { advanceFrame, RETURN, type Frame } from "../engine/frames.js";
import type { System } from "../engine/system.js";

/** In `reads`: the read gave an object (the program got a view of it). */
export const OBJECT_READ: unique symbol = Symbol("object read");

/** Entry kinds: a program resumed with a value, an IPI handler pushed, a finished frame popped. */
const RESUMED = 0;
const HANDLER = 1;
const POPPED = 2;

/** Thrown when a replay does not follow the log. */
export class ReplayDiverged extends Error {}

/** Where the log stood at a point of the execution (what a snapshot keeps). */
export interface LogMark {
  entries: number;
  reads: number;
}

/**
 * Where a core's programs were plain data (its scheduler's loop head, System.saveQuiescent): a rebuild
 * makes its main program afresh, puts `saved` back and skips the core's entries before `entry`.
 */
export interface RestorePoint {
  entry: number;
  saved: unknown;
}

export class ProgramLog {
  private readonly kinds: number[] = [];
  /** Where each entry's reads start in `reads` (what the programs read after it, until the next, is its core's). */
  private readonly starts: number[] = [];
  private readonly cores: number[] = [];
  private readonly values: (number | IpiMessage)[] = [];
  /** Results of the programs' reads through the view, in order (objects as OBJECT_READ). */
  readonly reads: unknown[] = [];
  /** During `rebuild`: reads are answered from `reads[pos]` on. */
  replaying = false;
  pos = 0;
  private entry = 0;

  mark(): LogMark {
    return { entries: this.kinds.length, reads: this.reads.length };
  }

  /** Forgets everything after `m` (the execution goes on from there). */
  truncate(m: LogMark): void {
    this.kinds.length = this.cores.length = this.values.length = this.starts.length = m.entries;
    this.reads.length = m.reads;
  }

  clear(): void {
    this.truncate({ entries: 0, reads: 0 });
  }

  resumed(core: number, value: number): void {
    if (this.replaying) {
      if (this.kinds[this.entry] !== RESUMED || this.cores[this.entry] !== core || this.values[this.entry] !== value)
        throw new ReplayDiverged();
      this.entry++;
      return;
    }
    this.push(RESUMED, core, value);
  }

  handler(core: number, msg: IpiMessage): void {
    this.push(HANDLER, core, msg);
  }

  popped(core: number): void {
    this.push(POPPED, core, 0);
  }

  private push(kind: number, core: number, value: number | IpiMessage): void {
    this.starts.push(this.reads.length);
    this.kinds.push(kind);
    this.cores.push(core);
    this.values.push(value);
  }

  /** The next read's result during a replay. */
  nextRead(): unknown {
    if (this.pos >= this.reads.length) throw new ReplayDiverged();
    return this.reads[this.pos++];
  }

  /**
   * Fresh program stacks of a fresh kernel (`makeSystem`, made here: what it reads then is logged first) where the originals stood at `m`: each core's main program
   * started (Engine.start) and then every logged resume, handler and pop up to `m`, in order.
   */
  rebuild(
    makeSystem: () => System,
    cores: number,
    m: LogMark,
    dmbIsStep: boolean,
    points: readonly (RestorePoint | undefined)[] = [],
  ): Frame[][] {
    const stacks: Frame[][] = Array.from({ length: cores }, () => []);
    const chooser = { pick: () => 0, resumed: (c: number, v: number) => this.resumed(c, v) } satisfies Chooser;
    const start = (c: number, frame: Frame): void => {
      stacks[c]!.push(frame);
      advanceFrame(stacks[c]!, frame, 0, chooser, c, dmbIsStep);
    };
    this.replaying = true;
    this.entry = 0;
    this.pos = 0;
    try {
      const system = makeSystem();
      for (let c = 0; c < cores; c++) start(c, { program: system.main(c), op: RETURN, msg: null, called: false });
      // Cores rebuilt from a loop head: their fresh main programs wait at it; their JS data is put back.
      const skipTo = new Array<number>(cores).fill(0);
      for (let c = 0; c < cores; c++) {
        const p = points[c];
        if (!p || !system.restoreQuiescent) continue;
        system.restoreQuiescent(c, p.saved);
        skipTo[c] = p.entry;
      }
      // Entries before every core's loop head are skipped by all: start at the earliest one.
      const first = Math.min(...skipTo);
      if (first > 0) {
        if (first > m.entries) throw new ReplayDiverged();
        this.entry = first;
        this.pos = first < m.entries ? this.starts[first]! : m.reads;
      }
      while (this.entry < m.entries) {
        const c = this.cores[this.entry]!;
        const kind = this.kinds[this.entry]!;
        if (this.entry < skipTo[c]!) {
          // Before the core's loop head: not replayed, and neither are its reads.
          if (this.starts[this.entry] !== this.pos) throw new ReplayDiverged();
          this.entry++;
          this.pos = this.entry < m.entries ? this.starts[this.entry]! : m.reads;
          continue;
        }
        const stack = stacks[c]!;
        if (kind === RESUMED) {
          // The first resume of an engine step; the ones advanceFrame makes after it are checked as it makes them.
          const top = stack[stack.length - 1];
          if (!top) throw new ReplayDiverged();
          advanceFrame(stack, top, this.values[this.entry] as number, chooser, c, dmbIsStep);
        } else if (kind === HANDLER) {
          const msg = this.values[this.entry++] as IpiMessage;
          start(c, { program: system.ipiHandler(c, msg), op: RETURN, msg, called: false });
        } else {
          this.entry++;
          if (!stack.pop()) throw new ReplayDiverged();
        }
      }
      if (this.entry !== m.entries || this.pos !== m.reads) throw new ReplayDiverged();
      return stacks;
    } finally {
      this.replaying = false;
    }
  }
}
