/** What log this is, whether it is complete, and the violation one click away. */
import type { Meta } from "../protocol.ts";

export function Header({ meta, pos, go }: { meta: Meta; pos: number; go: (p: number) => void }) {
  const v = meta.violation;
  return (
    <header class="header">
      <div class="title">
        <strong>smpsim ui</strong> <span class="path">{meta.path}</span>
        <span class="dim">
          {" "}
          · scenario {meta.scenario} · seed {meta.seed} · {meta.cores} cores · {meta.events.toLocaleString("en")} events
        </span>
        <div class="dim description">{meta.description}</div>
      </div>
      {meta.truncated && (
        <div class="warning" data-testid="truncated">
          Log truncated ({meta.truncated}): showing its {meta.events} complete events.
        </div>
      )}
      {v && (
        <div class="violation-bar">
          <button
            id="goto-violation"
            class="violation-button"
            title={v.message}
            onClick={() => go(v.seq + 1)}
            disabled={pos === v.seq + 1}
          >
            ⚠ Violation of {v.invariant} at event #{v.at}
          </button>
          <span class="violation-text">{v.message}</span>
        </div>
      )}
    </header>
  );
}
