/**
 * The invariants as one observer of the event stream (TigerBeetle's *_checker.zig observe a cluster the
 * same way): after each event it runs the invariants that can break on it and keeps the first violation.
 * It does not stop the run itself: the engine reads `found` once the event's observers have all seen it,
 * so the violation event follows the event that broke the invariant in every observer's view.
 */
import type { SimEvent } from "../events/index.js";
import type { MachineState } from "../state/machine-state.js";
import { checker, type Invariant, type Violation } from "./invariant.js";

export class InvariantObserver {
  /** The first violation; once set (or set by the engine when it stops for another reason), checks end. */
  found: Violation | null = null;
  private readonly check: (s: MachineState, ev: SimEvent) => Violation | null;

  constructor(
    private readonly state: MachineState,
    invariants: readonly Invariant[],
  ) {
    this.check = checker(invariants);
  }

  readonly next = (ev: SimEvent): void => {
    if (this.found !== null || ev.type === "violation") return;
    this.found = this.check(this.state, ev);
  };
}
