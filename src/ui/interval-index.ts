/**
 * Finds the intervals that overlap a window of event numbers without scanning them all: the log is cut
 * into buckets of B events and each bucket lists the intervals that touch it. A task that runs for the
 * whole log is listed in every bucket, but there are few of those; the short ones (switches, handlers,
 * arrows) are listed once or twice. On a million-event log a window query reads a handful of buckets.
 */
export class IntervalIndex<T> {
  private readonly buckets: number[][];

  /** `bounds(item)` gives its first and last event number (inclusive). */
  constructor(
    private readonly items: readonly T[],
    private readonly bounds: (item: T) => [number, number],
    readonly bucketSize = 1024,
  ) {
    const buckets: number[][] = [];
    items.forEach((item, i) => {
      const [lo, hi] = bounds(item);
      for (let b = Math.floor(lo / bucketSize); b <= Math.floor(hi / bucketSize); b++) (buckets[b] ??= []).push(i);
    });
    this.buckets = buckets;
  }

  /** Items overlapping [from, to), in the order they were given. */
  query(from: number, to: number): T[] {
    if (to <= from) return [];
    const seen = new Set<number>();
    for (let b = Math.floor(from / this.bucketSize); b <= Math.floor((to - 1) / this.bucketSize); b++) {
      for (const i of this.buckets[b] ?? []) {
        const [lo, hi] = this.bounds(this.items[i]!);
        if (lo < to && hi >= from) seen.add(i);
      }
    }
    return [...seen].sort((a, b) => a - b).map((i) => this.items[i]!);
  }
}
