/** What the page holds between requests: the state and diff at the position, and the window's data. */
import type { DiffView, EventsWindow, LanesWindow, StateView } from "../protocol.ts";

/** The state at a position and the diff that led to it (fetched together). */
export interface At {
  state: StateView;
  diff: DiffView;
}

/** A window's data with the window it was asked for, so the timeline draws marks and axis to one scale. */
export interface Win {
  from: number;
  size: number;
  events: EventsWindow;
  lanes: LanesWindow;
}
