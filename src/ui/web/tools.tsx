/**
 * The debugger's `why` and `watch` on the page: why core N translates a VA as it does at the current
 * event (the TLB entry, the fill behind it, the registers then, and whether it is stale), and a watch
 * expression's value with its previous and next change one click away.
 */
import { useState } from "preact/hooks";
import type { WatchAnswer } from "../protocol.ts";
import { api } from "./api.ts";

export function ToolsPanel({ pos, cores, go }: { pos: number; cores: number; go: (p: number) => void }) {
  const [core, setCore] = useState(0);
  const [va, setVa] = useState("0x8000");
  const [why, setWhy] = useState<{ at: number; lines: string[] } | null>(null);
  const [expr, setExpr] = useState("");
  const [watch, setWatch] = useState<WatchAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fail = (e: unknown): void => setError((e as Error).message);

  const askWhy = (e: Event): void => {
    e.preventDefault();
    setError(null);
    api.why(pos, core, va).then((w) => setWhy({ at: pos, lines: w.lines }), fail);
  };
  const askWatch = (dir: 1 | -1): void => {
    setError(null);
    api.watch(expr, pos, dir).then((w) => {
      setWatch(w);
      if (w.hit) go(w.hit.position);
    }, fail);
  };

  return (
    <section class="tools-panel" data-testid="tools-panel">
      <form class="why-form" onSubmit={askWhy}>
        <b>why</b> core{" "}
        <select value={core} onChange={(e) => setCore(Number((e.target as HTMLSelectElement).value))} data-testid="why-core">
          {Array.from({ length: cores }, (_, c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>{" "}
        VA{" "}
        <input
          type="text"
          size={12}
          value={va}
          onInput={(e) => setVa((e.target as HTMLInputElement).value)}
          data-testid="why-va"
        />{" "}
        <button type="submit" data-testid="why-ask">
          why
        </button>
      </form>
      {why && (
        <pre class="formatted" data-testid="why-text">
          {why.at !== pos ? `(asked at position ${why.at})\n` : ""}
          {why.lines.join("\n")}
        </pre>
      )}
      <form
        class="watch-form"
        onSubmit={(e) => {
          e.preventDefault();
          askWatch(1);
        }}
      >
        <b>watch</b>{" "}
        <input
          type="text"
          size={28}
          value={expr}
          placeholder="e.g. core 1 asid, tlb 1 size, lock cpu_asid_lock"
          onInput={(e) => setExpr((e.target as HTMLInputElement).value)}
          data-testid="watch-expr"
        />{" "}
        <button type="button" onClick={() => askWatch(-1)} data-testid="watch-prev">
          ◀ previous change
        </button>
        <button type="submit" data-testid="watch-next">
          next change ▶
        </button>
      </form>
      {watch && (
        <div class="formatted" data-testid="watch-text">
          {watch.expr} = {watch.now}
          {watch.hit ? ` · changed ${watch.hit.from} → ${watch.hit.to} by #${watch.hit.seq}` : " · no change that way"}
        </div>
      )}
      {error && (
        <div class="goto-error" role="alert" data-testid="tools-error">
          {error}
        </div>
      )}
    </section>
  );
}
