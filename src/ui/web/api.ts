/** The page's side of the JSON API (src/ui/routes.ts): typed fetches of what is on screen, and nothing more. */
import type {
  Density,
  DiffView,
  EventsWindow,
  LanesWindow,
  ListAnswer,
  Meta,
  StateView,
  WatchAnswer,
  WhyAnswer,
} from "../protocol.ts";

async function get<T>(path: string): Promise<T> {
  const r = await fetch(path);
  const body = (await r.json()) as T | { error: string };
  if (!r.ok) throw new Error((body as { error: string }).error ?? `${path}: HTTP ${r.status}`);
  return body as T;
}

export const api = {
  meta: () => get<Meta>("api/meta"),
  events: (from: number, to: number) => get<EventsWindow>(`api/events?from=${from}&to=${to}`),
  lanes: (from: number, to: number) => get<LanesWindow>(`api/lanes?from=${from}&to=${to}`),
  state: (at: number) => get<StateView>(`api/state?at=${at}`),
  diff: (at: number) => get<DiffView>(`api/diff?at=${at}`),
  list: (q: string, from: number, dir: 1 | -1) => get<ListAnswer>(`api/list?q=${encodeURIComponent(q)}&from=${from}&dir=${dir}`),
  step: (at: number, by: number, choices: boolean) =>
    get<{ at: number }>(`api/step?at=${at}&by=${by}&choices=${choices ? 1 : 0}`),
  why: (at: number, core: number, va: string) => get<WhyAnswer>(`api/why?at=${at}&core=${core}&va=${encodeURIComponent(va)}`),
  watch: (expr: string, at: number, dir: 1 | -1) =>
    get<WatchAnswer>(`api/watch?expr=${encodeURIComponent(expr)}&at=${at}&dir=${dir}`),
  density: (buckets: number) => get<Density>(`api/density?buckets=${buckets}`),
};

/**
 * Runs one request at a time for a value that keeps changing (the position while a key is held): at
 * most one in flight and one waiting, the waiting one replaced by each newer ask, so the page never
 * queues a backlog and always ends on the latest.
 */
export class Latest<K, V> {
  private busy = false;
  private next: K | null = null;

  constructor(
    private readonly load: (k: K) => Promise<V>,
    private readonly done: (k: K, v: V) => void,
    private readonly failed: (e: Error) => void,
  ) {}

  ask(k: K): void {
    this.next = k;
    if (!this.busy) void this.pump();
  }

  private async pump(): Promise<void> {
    this.busy = true;
    while (this.next !== null) {
      const k = this.next;
      this.next = null;
      try {
        const v = await this.load(k);
        if (this.next === null) this.done(k, v);
      } catch (e) {
        this.failed(e as Error);
      }
    }
    this.busy = false;
  }
}
