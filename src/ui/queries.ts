/**
 * The viewer's questions about the whole log, as the debugger asks them (issue 16, item 3): an event
 * list filtered by the debugger's predicates (type, core, VA, ASID, ...), the next or previous match,
 * stepping that passes over scheduler choice events, `why` for a TLB entry, `watch` for a value, and a
 * density overview of the whole log. Each answer is bounded: a list or a search scans at most
 * SCAN_CAP events per request and says where it stopped, so a request never holds the server long.
 */
import type { SimEvent } from "../events/index.js";
import type { EventList } from "../log/event-list.js";
import type { Timeline } from "../timetravel/timeline.js";
import { whyView } from "../views/why-view.js";
import { parseNumber } from "../timetravel/predicate.js";
import type { Density, EventMark, ListAnswer, WatchAnswer } from "./protocol.js";
import { BadRequest } from "./bad-request.js";

/** Events one request may scan (about a second on a loaded machine). */
export const SCAN_CAP = 1_000_000;
/** Matches one list request returns at most. */
export const LIST_LIMIT = 500;
/** Buckets of the density overview, computed once at this resolution and summed for the page. */
const FINE = 4096;

export class ViewerQueries {
  private fine: { per: number; types: Map<string, Uint32Array> } | null = null;

  constructor(
    private readonly tl: Timeline,
    private readonly events: EventList,
    private readonly mark: (ev: SimEvent) => EventMark,
  ) {}

  private predicate(q: string): (ev: SimEvent) => boolean {
    const text = q.trim();
    if (text === "") return (ev) => ev.type !== "choice";
    try {
      return this.tl.predicate(text);
    } catch (e) {
      throw new BadRequest(`filter "${text}": ${(e as Error).message}`);
    }
  }

  /** Events matching `q` from event `from` (inclusive) in direction `dir`, at most `limit`. */
  list(q: string, from: number, dir: 1 | -1, limit = LIST_LIMIT): ListAnswer {
    const pred = this.predicate(q);
    const n = this.events.length;
    const matches: EventMark[] = [];
    let i = Math.max(-1, Math.min(n, from));
    let scanned = 0;
    for (; i >= 0 && i < n && matches.length < Math.min(limit, LIST_LIMIT) && scanned < SCAN_CAP; i += dir, scanned++) {
      const ev = this.events.at(i)!;
      if (pred(ev)) matches.push(this.mark(ev));
    }
    return { q, matches, resume: i >= 0 && i < n ? i : null };
  }

  /**
   * The position `by` events away from position `at`, counting only events that are not scheduler
   * choices unless `choices` (as the debugger's step and back): clamped to the log.
   */
  step(at: number, by: number, choices: boolean): number {
    const n = this.events.length;
    if (choices) return Math.max(0, Math.min(n, at + by));
    const dir = by < 0 ? -1 : 1;
    let p = at;
    for (let left = Math.abs(by); left > 0;) {
      const next = p + dir;
      if (next < 0 || next > n) break;
      p = next;
      if (p === 0 || this.events.at(p - 1)!.type !== "choice") left--;
    }
    return p;
  }

  why(at: number, core: number, vaText: string): { lines: string[] } {
    const cores = this.tl.state(at).cores.length;
    if (!Number.isInteger(core) || core < 0 || core >= cores) throw new BadRequest(`core must be 0 to ${cores - 1}, got ${core}`);
    let va: number;
    try {
      va = parseNumber(vaText.trim(), "va");
    } catch (e) {
      throw new BadRequest((e as Error).message);
    }
    return { lines: whyView(this.tl.why(at, core, va), at === 0 ? "at the start" : `at #${at - 1}`) };
  }

  /** The next (dir 1) or previous (-1) change of a watch expression from position `at`. */
  watch(expr: string, at: number, dir: 1 | -1): WatchAnswer {
    let w;
    try {
      w = this.tl.watchExpr(expr);
    } catch (e) {
      throw new BadRequest(`watch "${expr}": ${(e as Error).message}`);
    }
    const hit = dir > 0 ? this.tl.watchForward(w, at) : at > 0 ? this.tl.watchBackward(w, at - 1) : null;
    return {
      expr: w.text,
      now: w.read(this.tl.state(at)),
      hit: hit && { seq: hit.seq, position: hit.position, from: hit.from, to: hit.to },
    };
  }

  /** Counts of each event type in `buckets` equal parts of the whole log (one scan, on first use). */
  density(buckets: number): Density {
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > 2000)
      throw new BadRequest(`buckets must be 1 to 2000, got ${buckets}`);
    const fine = (this.fine ??= this.scanDensity());
    const n = this.events.length;
    const per = Math.max(1, Math.ceil(n / buckets));
    const count = Math.max(1, Math.ceil(n / per));
    const types: Record<string, number[]> = {};
    for (const [type, counts] of fine.types) {
      const out = new Array<number>(count).fill(0);
      // A fine bucket falls in the coarse bucket of its first event (buckets are whole events apart).
      counts.forEach((c, b) => {
        if (c) out[Math.min(count - 1, Math.floor((b * fine.per) / per))]! += c;
      });
      types[type] = out;
    }
    return { buckets: count, per, types };
  }

  private scanDensity(): { per: number; types: Map<string, Uint32Array> } {
    const n = this.events.length;
    const per = Math.max(1, Math.ceil(n / FINE));
    const types = new Map<string, Uint32Array>();
    for (let i = 0; i < n; i++) {
      const t = this.events.at(i)!.type;
      if (t === "choice") continue;
      let c = types.get(t);
      if (!c) types.set(t, (c = new Uint32Array(Math.ceil(n / per))));
      c[Math.floor(i / per)]!++;
    }
    return { per, types };
  }
}
