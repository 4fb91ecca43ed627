/**
 * The inter-processor bus. Messages in flight live in the machine state (the log replays them); the
 * bus is how a delivery the engine has chosen reaches the receiving core. Each core observes only the
 * messages addressed to it. Receivers never act inside `next`: they put the message in their inbox and
 * the engine processes the inbox after `next` returns, so no handler ever runs re-entrantly.
 */
// rxjs's public entry point only (its internal deep paths are not a stable API). Loading the whole package costs
// each exploration worker a few tens of milliseconds once, at start-up, against seconds of exploring.
import { Subject, filter, type Observable, type Subscription } from "rxjs";
import type { BusMessage } from "./messages.js";

export class Bus {
  private readonly wire = new Subject<BusMessage>();
  private readonly inboxes: BusMessage[][];
  private readonly subscriptions: Subscription[] = [];

  constructor(cores: number) {
    this.inboxes = Array.from({ length: cores }, () => []);
    for (let c = 0; c < cores; c++) {
      const inbox = this.inboxes[c]!;
      this.subscriptions.push(this.addressedTo(c).subscribe((m) => inbox.push(m)));
    }
  }

  /** Messages delivered to one core, in delivery order. */
  addressedTo(core: number): Observable<BusMessage> {
    return this.wire.pipe(filter((m) => m.to === core));
  }

  /** Delivers a message the engine picked; the receiver finds it with `take`. */
  deliver(m: BusMessage): void {
    this.wire.next(m);
  }

  /** Takes the oldest message delivered to a core and not yet processed. */
  take(core: number): BusMessage | undefined {
    return this.inboxes[core]?.shift();
  }

  close(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.wire.complete();
  }
}
