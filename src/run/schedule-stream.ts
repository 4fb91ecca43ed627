/**
 * The schedule string of a run, encoded as the choices happen (the same string `encodeSchedule` gives
 * for the whole list of picks), so a run never keeps every pick: about 21 bytes per event as an array
 * of numbers and a string built by `+=` (a rope of one node per token) made a 10-million-event run's
 * memory grow with the run. It keeps the whole string (in flat chunks, one byte per character) only
 * when asked to; otherwise its first characters, for the summary, and its length.
 */
const HEAD = 256;
const CHUNK_TOKENS = 4096;

export class ScheduleStream {
  /** Picks seen. */
  picks = 0;
  /** Characters of the encoded string so far (the pending run not counted). */
  private length = 0;
  private head = "";
  private readonly chunks: string[] = [];
  private tokens: string[] = [];
  private pick = -1;
  private run = 0;

  constructor(private readonly keepAll: boolean) {}

  add(p: number): void {
    this.picks++;
    if (p === this.pick) {
      this.run++;
      return;
    }
    this.flushRun();
    this.pick = p;
    this.run = 1;
  }

  /** The whole string if kept, else its first characters; and the whole string's length. */
  finish(): { schedule: string; length: number } {
    this.flushRun();
    if (!this.keepAll) return { schedule: this.head, length: this.length };
    this.chunks.push(this.tokens.join(""));
    this.tokens = [];
    const schedule = this.chunks.join("");
    this.chunks.length = 0;
    this.chunks.push(schedule);
    return { schedule, length: this.length };
  }

  private flushRun(): void {
    if (this.run === 0) return;
    const tok = this.pick < 36 ? this.pick.toString(36) : `(${this.pick.toString(36)})`;
    // As encodeSchedule: runs of three or more get a repeat marker.
    const text = this.run >= 3 ? `${tok}{${this.run}}` : this.run === 2 ? tok + tok : tok;
    this.length += text.length;
    if (this.head.length < HEAD) this.head = (this.head + text).slice(0, HEAD);
    if (this.keepAll) {
      this.tokens.push(text);
      if (this.tokens.length >= CHUNK_TOKENS) {
        this.chunks.push(this.tokens.join(""));
        this.tokens = [];
      }
    }
    this.run = 0;
    this.pick = -1;
  }
}
