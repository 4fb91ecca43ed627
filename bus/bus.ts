/**
 * The inter-processor bus. Messages in flight live in the machine state (the log replays them); the
 * bus is how a delivery the engine has chosen reaches the receiving core's actor (bus/core-actor.ts),
 * which does the receiver's work while `deliver` runs. Each core observes only its own line.
 */
// rxjs's public entry point only (its internal deep paths are not a stable API). Loading the whole package costs
// each exploration worker a few tens of milliseconds once, at start-up, against seconds of exploring.
import { Subject, type Observable } from "rxjs";
import type { BusMessage } from "./messages.js";

export class Bus {
  /**
   * One line per receiver: a delivery reaches only the core it is addressed to. (One shared wire with a
   * filter per core made every delivery run every core's filter: cores² work per shootdown at 64 cores.)
   */
  private readonly lines: Subject<BusMessage>[];
  /** What a receiver threw during the current delivery (see `receive`). */
  private failure: { error: unknown } | null = null;

  constructor(cores: number) {
    this.lines = Array.from({ length: cores }, () => new Subject<BusMessage>());
  }

  /** Messages delivered to one core, in delivery order. */
  addressedTo(core: number): Observable<BusMessage> {
    return this.lines[core]!.asObservable();
  }

  /**
   * Subscribes a core's receiver. rxjs reports an exception thrown by an observer asynchronously (on a
   * timer, rxjs 7 reportUnhandledError): here it reaches `deliver`'s caller, as a direct call's would
   * (an exploration's Abandon, a bug), so a run never goes on after a receiver failed.
   */
  receive(core: number, take: (m: BusMessage) => void): void {
    this.addressedTo(core).subscribe((m) => {
      try {
        take(m);
      } catch (error) {
        this.failure ??= { error };
      }
    });
  }

  /** Delivers a message the engine picked: its receiver has done its work when this returns. */
  deliver(m: BusMessage): void {
    this.lines[m.to]!.next(m);
    const f = this.failure;
    if (f) {
      this.failure = null;
      throw f.error;
    }
  }

  close(): void {
    for (const l of this.lines) l.complete();
  }
}
