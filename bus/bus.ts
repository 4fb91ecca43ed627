/**
 * The inter-processor bus. Messages in flight live in the machine state (the log replays them); the
 * bus is how a delivery the engine has chosen reaches the receiving core. Each core observes only the
 * messages addressed to it. Receivers never act inside `next`: they put the message in their inbox and
 * the engine processes the inbox after `next` returns, so no handler ever runs re-entrantly.
 */
// rxjs's public entry point only (its internal deep paths are not a stable API). Loading the whole package costs
// each exploration worker a few tens of milliseconds once, at start-up, against seconds of exploring.
import { Subject, type Observable, type Subscription } from "rxjs";
import type { BusMessage } from "./messages.js";

export class Bus {
  /**
   * One line per receiver: a delivery reaches only the core it is addressed to. (One shared wire with a
   * filter per core made every delivery run every core's filter: cores² work per shootdown at 64 cores.)
   */
  private readonly lines: Subject<BusMessage>[];
  private readonly inboxes: BusMessage[][];
  private readonly subscriptions: Subscription[] = [];

  constructor(cores: number) {
    this.inboxes = Array.from({ length: cores }, () => []);
    this.lines = Array.from({ length: cores }, () => new Subject<BusMessage>());
    for (let c = 0; c < cores; c++) {
      const inbox = this.inboxes[c]!;
      this.subscriptions.push(this.addressedTo(c).subscribe((m) => inbox.push(m)));
    }
  }

  /** Messages delivered to one core, in delivery order. */
  addressedTo(core: number): Observable<BusMessage> {
    return this.lines[core]!.asObservable();
  }

  /** Delivers a message the engine picked; the receiver finds it with `take`. */
  deliver(m: BusMessage): void {
    this.lines[m.to]!.next(m);
  }

  /** Takes the oldest message delivered to a core and not yet processed. */
  take(core: number): BusMessage | undefined {
    return this.inboxes[core]?.shift();
  }

  close(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    for (const l of this.lines) l.complete();
  }
}
