/**
 * The event list: the log's events filtered as the debugger's `find` filters them (type, core, VA,
 * ASID, mm, task, ...), listed from the current event on, with the previous and next match one click
 * (or Enter / Shift+Enter) away. Empty filter: every event but the scheduler's choices.
 */
import { useEffect, useState } from "preact/hooks";
import type { ListAnswer } from "../protocol.ts";
import { api } from "./api.ts";
import { family } from "./format.ts";

/** Rows shown: the nearest matches from the current event on. */
const ROWS = 60;

export function SearchPanel({ pos, go }: { pos: number; go: (p: number) => void }) {
  const [q, setQ] = useState("");
  const [list, setList] = useState<ListAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const cur = pos - 1;

  // The list follows the position: matches from the current event on.
  useEffect(() => {
    let live = true;
    api.list(q, Math.max(0, cur), 1).then(
      (l) => {
        if (!live) return;
        setList(l);
        setError(null);
      },
      (e: unknown) => {
        if (!live) return;
        setList(null);
        setError((e as Error).message);
      },
    );
    return () => void (live = false);
  }, [q, cur]);

  const jump = (dir: 1 | -1): void => {
    setNote(null);
    api.list(q, cur + dir, dir).then(
      (l) => {
        const hit = l.matches[0];
        if (hit) go(hit.seq + 1);
        else
          setNote(
            l.resume === null
              ? `no ${dir > 0 ? "later" : "earlier"} match`
              : `no match in the next ${Math.abs(l.resume - cur).toLocaleString("en")} events; press again to go on`,
          );
      },
      (e: unknown) => setError((e as Error).message),
    );
  };

  return (
    <section class="search-panel" data-testid="search-panel">
      <form
        class="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          jump(1);
        }}
      >
        <input
          type="text"
          data-testid="filter"
          placeholder="filter: type=tlbi core=1 va=0x8000 asid=1 (as the debugger's find)"
          value={q}
          class={error ? "invalid" : ""}
          onInput={(e) => setQ((e.target as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && e.shiftKey) {
              e.preventDefault();
              jump(-1);
            }
          }}
        />
        <button type="button" onClick={() => jump(-1)} data-testid="prev-match" title="previous matching event (Shift+Enter)">
          ◀ prev
        </button>
        <button type="submit" data-testid="next-match" title="next matching event (Enter)">
          next ▶
        </button>
      </form>
      {error && (
        <div class="goto-error" role="alert" data-testid="filter-error">
          {error}
        </div>
      )}
      {note && (
        <div class="dim" data-testid="search-note">
          {note}
        </div>
      )}
      <ol class="event-list" data-testid="event-list">
        {list?.matches.slice(0, ROWS).map((m) => (
          <li key={m.seq} class={m.seq === cur ? "current" : ""} onClick={() => go(m.seq + 1)} data-seq={m.seq}>
            <i class={`fam-${family(m.type)}`} /> <span class="seq">#{m.seq}</span>{" "}
            <span class="dim">
              t={m.t} {m.core >= 0 ? `c${m.core}` : "machine"}
            </span>{" "}
            {m.text}
          </li>
        ))}
        {list && list.matches.length === 0 && <li class="dim">no matching event from #{Math.max(0, cur)} on</li>}
      </ol>
    </section>
  );
}
