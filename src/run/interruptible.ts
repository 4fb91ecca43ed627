/**
 * A run that can be stopped by SIGINT / SIGTERM (issue 15, item 11). A run is one synchronous loop,
 * and Node runs a signal handler only when the event loop gets a turn: so the engine runs a slice of
 * steps at a time and the loop gets a turn between slices. The handler only sets a flag; the run sees
 * it after the slice and throws `Interrupted`, which lets `run` drop its unfinished log (the `.tmp`)
 * and exit 130 / 143 (128 + the signal's number, as a shell reports a process a signal ended).
 * The engine's work is the same as in one `run()` call, slice or not: the log is unchanged.
 */
import type { Chooser } from "../engine/chooser.js";
import type { EventObserver } from "../engine/event-stream.js";
import type { SimEvent } from "../events/index.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import type { Scenario } from "../scenario/types.js";
import { setUp, type Simulation } from "./simulate.js";

/** Steps between turns of the event loop: a turn costs a few microseconds, a slice about a millisecond. */
export const SLICE_STEPS = 4096;

export type StopSignal = "SIGINT" | "SIGTERM";

export class Interrupted extends Error {
  readonly _tag = "Interrupted";
  constructor(readonly signal: StopSignal) {
    super(`stopped by ${signal}`);
  }
  /** 128 + the signal's number. */
  get exitCode(): number {
    return this.signal === "SIGINT" ? 130 : 143;
  }
}

/** Whether a signal has asked the run to stop, and which. */
export type StopFlag = () => StopSignal | null;

/** As `simulate`, a slice at a time; throws `Interrupted` when `stopped()` says a signal came. */
export async function simulateInterruptibly(
  scenario: Scenario,
  allocator: AsidAllocator,
  chooser: Chooser,
  sink: EventObserver<SimEvent> | readonly EventObserver<SimEvent>[],
  stopped: StopFlag,
  describeChoices = true,
): Promise<Simulation> {
  const machine = setUp(scenario, allocator, chooser, () => sink, { describeChoices });
  const engine = machine.start();
  try {
    for (;;) {
      const outcome = engine.steps(SLICE_STEPS);
      if (outcome) return { outcome, state: machine.state };
      await new Promise<void>((resume) => setImmediate(resume));
      const sig = stopped();
      if (sig) throw new Interrupted(sig);
    }
  } finally {
    engine.close();
  }
}

/**
 * Runs `body` with SIGINT and SIGTERM caught: the first one sets the flag `body` polls; a second one
 * quits at once (as in `explore`), after `onQuit` (which removes what must not stay behind).
 */
export async function withStopSignals<T>(body: (stopped: StopFlag) => Promise<T>, onQuit: () => void = () => {}): Promise<T> {
  let got: StopSignal | null = null;
  const handlers = (["SIGINT", "SIGTERM"] as const).map((sig) => {
    const h = (): void => {
      if (got) {
        onQuit();
        process.exit(sig === "SIGINT" ? 130 : 143);
      }
      got = sig;
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  try {
    return await body(() => got);
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
}
