/**
 * The whole log as one slider, with the violation, roll-overs and faults as ticks to jump to, and a
 * field to go to an event by number (what a log line, a trace or a report names).
 */
import { useState } from "preact/hooks";
import type { Meta } from "../protocol.ts";
import { goToError } from "./goto.ts";

function GoTo({ go, events }: { go: (p: number) => void; events: number }) {
  const [error, setError] = useState<string | null>(null);
  const submit = (e: Event): void => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem("seq") as HTMLInputElement;
    const why = goToError(input.value, events);
    setError(why);
    if (why) return;
    go(
      Number(
        input.value
          .trim()
          .replace(/^#/, "")
          .replace(/[,_\s]/g, ""),
      ) + 1,
    );
    input.blur();
  };
  return (
    <form class="goto" onSubmit={submit} title="go to the state just after this event">
      <input
        name="seq"
        type="text"
        placeholder="go to event #"
        size={12}
        data-testid="goto-event"
        class={error ? "invalid" : ""}
        aria-invalid={error ? "true" : "false"}
        onInput={() => setError(null)}
      />
      {error && (
        <span class="goto-error" role="alert" data-testid="goto-error">
          {error}
        </span>
      )}
    </form>
  );
}

interface ScrubberProps {
  meta: Meta;
  pos: number;
  go: (p: number) => void;
  /** One event back or forward, over scheduler choice events unless `choices`. */
  step: (k: number) => void;
  choices: boolean;
  setChoices: (on: boolean) => void;
}

export function Scrubber({ meta, pos, go, step, choices, setChoices }: ScrubberProps) {
  const pct = (seq: number): string => `${meta.events ? ((seq + 0.5) / meta.events) * 100 : 0}%`;
  return (
    <div class="scrubber">
      <button onClick={() => step(-1)} title="back one event (←; Shift: 10, Ctrl: 100)" data-testid="back">
        ◀
      </button>
      <div class="track">
        <input
          type="range"
          min={0}
          max={meta.events}
          value={pos}
          aria-label="position in the log"
          data-testid="scrubber"
          onInput={(e) => go(Number((e.target as HTMLInputElement).value))}
        />
        <div class="ticks">
          {meta.markers.map((m) => (
            <span
              key={m.seq}
              class={`tick tick-${m.kind}`}
              style={{ left: pct(m.seq) }}
              title={`#${m.seq} ${m.text}`}
              onClick={() => go(m.seq + 1)}
            />
          ))}
        </div>
      </div>
      <button onClick={() => step(1)} title="forward one event (→; Shift: 10, Ctrl: 100)" data-testid="forward">
        ▶
      </button>
      <GoTo go={go} events={meta.events} />
      <label class="dim" title="stop on the scheduler's choice events when stepping (the debugger's `choices on`)">
        <input
          type="checkbox"
          checked={choices}
          onChange={(e) => setChoices((e.target as HTMLInputElement).checked)}
          data-testid="choices"
        />{" "}
        choices
      </label>
      <span class="position" data-testid="position">
        position {pos.toLocaleString("en")} / {meta.events.toLocaleString("en")}
      </span>
    </div>
  );
}
