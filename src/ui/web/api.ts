/** The page's side of the JSON API (src/ui/routes.ts): typed fetches of what is on screen, and nothing more. */
import type { DiffView, EventsWindow, LanesWindow, Meta, StateView } from "../protocol.ts";

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
};

/**
 * Runs one request at a time for a value that keeps changing (the position while a key is held): at
 * most one in flight and one waiting, the waiting one replaced by each newer ask, so the page never
 * queues a backlog and always ends on the latest.
 */
export class Latest<K, V> {
  private busy = false;
  private next: K | null = null;

  constructor(private readonly load: (k: K) => Promise<V>, private readonly done: (k: K, v: V) => void, private readonly failed: (e: Error) => void) {}

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
