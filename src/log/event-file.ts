/**
 * A log's events read from its file on demand (issue 15, item 8): while the log is first read (and
 * checked) the byte offset of every BLOCK-th event line is kept; asking for an event reads its block
 * of lines from the file and parses it, and only the `cacheBlocks` most recently used blocks stay in
 * memory. Memory is then the offsets (one number per BLOCK events) and the cache, whatever the size
 * of the file. A block read again is checked (each line is the event of its number): a log changed on
 * disk since it was opened is an error naming its line, not a silent wrong answer.
 */
import { closeSync, openSync, readSync } from "node:fs";
import type { SimEvent } from "../events/index.js";
import type { EventList } from "./event-list.js";
import { LogError } from "./log-error.js";

/** Events per block: about 90 kB of a typical log, one read. */
export const BLOCK = 1024;
/** Blocks kept parsed: 16 blocks, 16,384 events, about 2 MB of objects (a scan reads blocks in order, so a larger cache only holds what it will not read again; 64 blocks needed 24 MB of heap on a 200,000-event log). */
export const CACHE_BLOCKS = 16;

/** Records where the event lines are while a log is read once, in order. */
export class EventOffsets {
  readonly starts: number[] = [];
  count = 0;
  end = 0;

  /** `block`: events per block (tests make it small). */
  constructor(readonly block = BLOCK) {}

  /** Event `count` is the line from byte `start` to byte `end` (after its newline). */
  add(start: number, end: number): void {
    if (this.count % this.block === 0) this.starts.push(start);
    this.count++;
    this.end = end;
  }
}

export class FileEvents implements EventList {
  private readonly cache = new Map<number, SimEvent[]>();
  /** Blocks read from the file so far (tests check the cache bound with it). */
  reads = 0;

  /** `check` says what is wrong with an event read again (its schema), or null: as when the log was opened. */
  constructor(
    readonly path: string,
    private readonly offsets: EventOffsets,
    readonly cacheBlocks = CACHE_BLOCKS,
    private readonly check: (ev: SimEvent) => string | null = () => null,
  ) {
    if (!Number.isInteger(cacheBlocks) || cacheBlocks < 1)
      throw new RangeError(`cacheBlocks must be a positive integer, got ${cacheBlocks}`);
  }

  get length(): number {
    return this.offsets.count;
  }

  /** Blocks held parsed now (at most cacheBlocks). */
  get cached(): number {
    return this.cache.size;
  }

  at(i: number): SimEvent | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    const n = this.offsets.block;
    return this.blockOf(Math.floor(i / n))[i % n];
  }

  slice(from: number, to: number): SimEvent[] {
    const out: SimEvent[] = [];
    const b = Math.min(this.length, to);
    for (let i = Math.max(0, from); i < b; i++) out.push(this.at(i)!);
    return out;
  }

  *[Symbol.iterator](): Iterator<SimEvent> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  private blockOf(b: number): SimEvent[] {
    const hit = this.cache.get(b);
    if (hit) {
      // Most recently used last: a Map iterates in insertion order, so the first key is the oldest.
      this.cache.delete(b);
      this.cache.set(b, hit);
      return hit;
    }
    const evs = this.read(b);
    this.cache.set(b, evs);
    if (this.cache.size > this.cacheBlocks) this.cache.delete(this.cache.keys().next().value!);
    return evs;
  }

  private read(b: number): SimEvent[] {
    const { starts, end } = this.offsets;
    const from = starts[b]!;
    const to = b + 1 < starts.length ? starts[b + 1]! : end;
    const buf = Buffer.allocUnsafe(to - from);
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch (e) {
      throw new LogError(`${this.path}: cannot read it again: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let got = 0;
    try {
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, from + got);
        if (n === 0) break;
        got += n;
      }
    } finally {
      closeSync(fd);
    }
    this.reads++;
    const first = b * this.offsets.block;
    const lines = buf.toString("utf8", 0, got).split("\n");
    const count = Math.min(this.offsets.block, this.length - first);
    const evs: SimEvent[] = [];
    for (let k = 0; k < count; k++) {
      let ev: SimEvent | null = null;
      try {
        ev = JSON.parse(lines[k] ?? "") as SimEvent;
      } catch {
        // reported below
      }
      if (!ev || typeof ev !== "object" || ev.seq !== first + k || this.check(ev) !== null) {
        throw new LogError(
          `${this.path}: line ${first + k + 2}: the log changed on disk since it was opened (event #${first + k} is not there any more)`,
        );
      }
      evs.push(ev);
    }
    return evs;
  }
}
