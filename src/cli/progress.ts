/**
 * A one-line progress bar on a terminal's stderr: schedules/s, found so far, ETA against the budget.
 * Display only: it reads the wall clock, which nothing in the engine may do, and draws nothing when
 * stderr is not a terminal.
 */
export class ProgressBar {
  private readonly start = process.hrtime.bigint();
  private lastDraw = 0n;
  constructor(
    private readonly enabled: boolean,
    private readonly total: number,
    private readonly label: string,
  ) {}

  update(done: number, found: number): void {
    if (!this.enabled) return;
    const now = process.hrtime.bigint();
    if (now - this.lastDraw < 200_000_000n && done < this.total) return;
    this.lastDraw = now;
    const secs = Number(now - this.start) / 1e9;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? Math.max(0, (this.total - done) / rate) : 0;
    const width = 24;
    const filled = Math.min(width, Math.round((done / Math.max(1, this.total)) * width));
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    process.stderr.write(
      `\r${this.label} [${bar}] ${done}/${this.total} schedules, ${Math.round(rate)}/s, found ${found}, ETA ${eta.toFixed(0)}s  `,
    );
  }

  finish(): void {
    if (this.enabled) process.stderr.write("\n");
  }
}
