/** The current event (the one that led to the state shown), as a sentence and as logged. */
import type { At } from "./view.ts";
import type { Meta } from "../protocol.ts";

export function EventPanel({ meta, pos, at, go }: { meta: Meta; pos: number; at: At | null; go: (p: number) => void }) {
  const ev = at && at.state.at === pos ? at.state.event : null;
  const v = meta.violation;
  if (pos === 0)
    return (
      <section class="event-panel" data-testid="current-event">
        Initial state: no event applied yet. Press → to step.
      </section>
    );
  if (!ev)
    return (
      <section class="event-panel" data-testid="current-event">
        Event #{pos - 1}…
      </section>
    );
  const isViolation = v !== null && ev.mark.seq === v.seq;
  return (
    <section class={`event-panel${isViolation ? " is-violation" : ""}`} data-testid="current-event">
      <div>
        <span class="seq">#{ev.mark.seq}</span>{" "}
        <span class="dim">
          {ev.mark.core >= 0 ? `core ${ev.mark.core}` : "machine"} · t={ev.mark.t} · {ev.mark.type}
        </span>
        <span class="event-text"> {ev.mark.text}</span>
      </div>
      {isViolation && v && (
        <div class="violation-text">
          {v.message} <button onClick={() => go(v.at + 1)}>go to event #{v.at}, which broke it</button>
        </div>
      )}
      <details>
        <summary>as logged</summary>
        <pre>{JSON.stringify(ev.raw)}</pre>
      </details>
    </section>
  );
}
