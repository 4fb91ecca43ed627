/**
 * An external merge sort, so that `smpsim trace` writes a log of any size in bounded memory (issue 15,
 * item 8): items are kept until `limit` of them are held, then sorted and written to a temporary run
 * file; `drain` merges the runs and what is still held (a k-way merge on a binary heap), reading each
 * run a chunk at a time (beyond MAX_RUNS runs, they are first merged into one). With no limit it is an
 * in-memory sort. Keys are tuples of numbers compared
 * left to right and must be unique, so the order never depends on the sort's stability.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";

export type SortKey = readonly number[];

export function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d) return d;
  }
  return 0;
}

/** How an item crosses a run file: one line of text (no newline in it; JSON.stringify gives none). */
export interface Codec<T> {
  encode(item: T): string;
  decode(line: string): T;
}

export const jsonCodec = <T>(): Codec<T> => ({ encode: (x) => JSON.stringify(x), decode: (s) => JSON.parse(s) as T });

/** Run files merged at once (each open while merged); more are first merged into one. */
const MAX_RUNS = 64;

interface Keyed<T> {
  key: SortKey;
  item: T;
}

export class SpillSorter<T> {
  private held: Keyed<T>[] = [];
  private readonly runs: string[] = [];
  private dir: string | null = null;
  private made = 0;

  /** `root`: where the run files' directory is made (the system's temporary directory by default). */
  constructor(
    private readonly codec: Codec<T>,
    private readonly limit = Infinity,
    private readonly root = tmpdir(),
  ) {}

  add(key: SortKey, item: T): void {
    this.held.push({ key, item });
    if (this.held.length >= this.limit) this.spill();
  }

  private spill(): void {
    this.dir ??= mkdtempSync(join(this.root, "smpsim-trace-"));
    const path = join(this.dir, `run-${++this.made}`);
    this.write(
      path,
      this.held.sort((a, b) => compareKeys(a.key, b.key)),
    );
    this.runs.push(path);
    this.held = [];
    if (this.runs.length >= MAX_RUNS) this.compact();
  }

  private write(path: string, sorted: Iterable<Keyed<T>>): void {
    const fd = openSync(path, "wx");
    try {
      const lines: string[] = [];
      for (const { key, item } of sorted) {
        lines.push(`${key.join(",")}\t${this.codec.encode(item)}\n`);
        if (lines.length === 1024) writeSync(fd, lines.splice(0).join(""));
      }
      writeSync(fd, lines.join(""));
    } finally {
      closeSync(fd);
    }
  }

  /** Every item added, in key order (once; the sorter is empty afterwards and its run files gone). */
  *drain(): Generator<T> {
    const held = this.held.sort((a, b) => compareKeys(a.key, b.key));
    this.held = [];
    try {
      for (const { item } of this.merge(this.runs.splice(0), held)) yield item;
    } finally {
      this.dispose();
    }
  }

  /** Merges run files into one when there are MAX_RUNS of them: a merge keeps one file open per run. */
  private compact(): void {
    const runs = this.runs.splice(0);
    const path = join(this.dir!, `run-${++this.made}`);
    this.write(path, this.merge(runs, []));
    for (const r of runs) rmSync(r);
    this.runs.push(path);
  }

  private *merge(runs: string[], held: Keyed<T>[]): Generator<Keyed<T>> {
    const readers = runs.map((path) => new RunLines(path));
    const sources: (() => Keyed<T> | null)[] = readers.map((lines) => () => {
      const line = lines.next();
      if (line === null) return null;
      const tab = line.indexOf("\t");
      return { key: line.slice(0, tab).split(",").map(Number), item: this.codec.decode(line.slice(tab + 1)) };
    });
    let i = 0;
    sources.push(() => held[i++] ?? null);
    try {
      const heap = new Heap<{ head: Keyed<T>; src: number }>((a, b) => compareKeys(a.head.key, b.head.key));
      sources.forEach((next, src) => {
        const head = next();
        if (head) heap.push({ head, src });
      });
      while (heap.size) {
        const top = heap.peek();
        yield top.head;
        const head = sources[top.src]!();
        if (head) heap.replaceTop({ head, src: top.src });
        else heap.pop();
      }
    } finally {
      for (const r of readers) r.close();
    }
  }

  /** Removes the run files (drain does it when it ends; call it when a drain is abandoned). */
  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.runs.length = 0;
  }
}

/** The lines of a run file, read 64 KiB at a time. */
class RunLines {
  private readonly fd: number;
  private readonly buf = Buffer.alloc(1 << 16);
  private readonly decoder = new StringDecoder("utf8");
  private text = "";
  private pos = 0;
  private eof = false;

  constructor(path: string) {
    this.fd = openSync(path, "r");
  }

  next(): string | null {
    for (;;) {
      const nl = this.text.indexOf("\n", this.pos);
      if (nl >= 0) {
        const line = this.text.slice(this.pos, nl);
        this.pos = nl + 1;
        return line;
      }
      if (this.eof) return null;
      const n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      this.text = this.text.slice(this.pos) + (n ? this.decoder.write(this.buf.subarray(0, n)) : this.decoder.end());
      this.pos = 0;
      if (!n) this.close();
    }
  }

  close(): void {
    if (!this.eof) closeSync(this.fd);
    this.eof = true;
  }
}

/** A binary min-heap. */
class Heap<T> {
  private readonly a: T[] = [];
  constructor(private readonly less: (x: T, y: T) => number) {}

  get size(): number {
    return this.a.length;
  }

  peek(): T {
    return this.a[0]!;
  }

  push(x: T): void {
    const a = this.a;
    a.push(x);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (this.less(a[i]!, a[p]!) >= 0) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): void {
    const last = this.a.pop()!;
    if (this.a.length) this.replaceTop(last);
  }

  replaceTop(x: T): void {
    const a = this.a;
    a[0] = x;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l;
      if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }
}
