/** Fields every event carries: its position in the log, its virtual time, and the core it happened on. */
export interface EventBase {
  seq: number;
  t: number;
  /** The core the event happened on; -1 for the machine as a whole. */
  core: number;
}
