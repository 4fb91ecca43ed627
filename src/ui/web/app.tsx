/**
 * The viewer: one position in the log (events applied, as in the debugger), a window of the timeline
 * around it, and the state and diff at it. Moving the position fetches the state and diff there;
 * moving the window fetches that window's events, spans and arrows. Nothing else is loaded, so a
 * million-event log costs the page what a short one does.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Meta } from "../protocol.ts";
import { api, Latest } from "./api.ts";
import { CorePanel } from "./core-panel.tsx";
import { DensityOverview } from "./density.tsx";
import { SearchPanel } from "./search.tsx";
import { ToolsPanel } from "./tools.tsx";
import { EventPanel } from "./event-panel.tsx";
import { Header } from "./header.tsx";
import { useKeyboard } from "./keyboard.ts";
import { MachinePanel } from "./machine-panel.tsx";
import { Scrubber } from "./scrubber.tsx";
import { Timeline } from "./timeline.tsx";
import type { At, Win } from "./view.ts";

/** Events the timeline shows at once: the default, and the zoom limits. */
const WINDOW = { initial: 120, min: 20, max: 4000 };

const clamp = (n: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, n));

function positionFromHash(length: number): number | null {
  const m = /at=(\d+)/.exec(location.hash);
  return m ? clamp(Number(m[1]), 0, length) : null;
}

export function App() {
  const [meta, setMeta] = useState<Meta | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pos, setPos] = useState(0);
  const [win, setWin] = useState({ from: 0, size: WINDOW.initial });
  const [at, setAt] = useState<At | null>(null);
  const [shown, setShown] = useState<Win | null>(null);

  const loaders = useMemo(
    () => ({
      at: new Latest<number, At>(
        async (p) => {
          const [state, diff] = await Promise.all([api.state(p), api.diff(p)]);
          return { state, diff };
        },
        (_p, v) => setAt(v),
        (e) => setError(e.message),
      ),
      window: new Latest<string, Win>(
        async (key) => {
          const [from, size, length] = key.split(":").map(Number) as [number, number, number];
          const to = Math.min(length, from + size);
          const [events, lanes] = await Promise.all([api.events(from, to), api.lanes(from, to)]);
          return { from, size, events, lanes };
        },
        (_k, v) => setShown(v),
        (e) => setError(e.message),
      ),
    }),
    [],
  );

  // The position the next step counts from: every change of position goes through it, so keys pressed
  // faster than the page renders still add up (an effect copying `pos` back could run with a stale one).
  const target = useRef(0);
  useEffect(() => {
    api.meta().then(
      (m) => {
        setMeta(m);
        target.current = positionFromHash(m.events) ?? 0;
        setPos(target.current);
      },
      (e: unknown) => setError((e as Error).message),
    );
  }, []);

  const length = meta?.events ?? 0;
  const go = (p: number): void => {
    target.current = clamp(Math.round(p), 0, length);
    setPos(target.current);
  };

  // The state at the position, and the window kept around the current event (#pos-1).
  useEffect(() => {
    if (!meta) return;
    loaders.at.ask(pos);
    history.replaceState(null, "", `#at=${pos}`);
    const cur = Math.max(0, pos - 1);
    setWin((w) =>
      cur >= w.from && cur < w.from + w.size
        ? w
        : { ...w, from: clamp(cur - Math.floor(w.size / 2), 0, Math.max(0, length - w.size)) },
    );
  }, [meta, pos]);

  useEffect(() => {
    if (meta) loaders.window.ask(`${win.from}:${win.size}:${length}`);
  }, [meta, win]);

  // Stepping passes over scheduler choice events unless they are asked for, as in the debugger. Steps
  // count from the last one asked for (keys pressed faster than answers come still add up), and the
  // server's answers are applied in order.
  const [choices, setChoices] = useState(false);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const stepBy = (k: number): void => {
    if (choices) {
      target.current = clamp(target.current + k, 0, length);
      setPos(target.current);
      return;
    }
    chain.current = chain.current.then(async () => {
      try {
        target.current = (await api.step(target.current, k, false)).at;
        setPos(target.current);
      } catch (e) {
        setError((e as Error).message);
      }
    });
  };

  const zoom = (factor: number): void =>
    setWin((w) => {
      const size = clamp(Math.round(w.size * factor), WINDOW.min, WINDOW.max);
      return { size, from: clamp(Math.max(0, pos - 1) - Math.floor(size / 2), 0, Math.max(0, length - size)) };
    });
  const pan = (events: number): void => setWin((w) => ({ ...w, from: clamp(w.from + events, 0, Math.max(0, length - w.size)) }));

  useKeyboard({ step: stepBy, home: () => go(0), end: () => go(length), page: (dir) => go(pos + dir * win.size) });

  if (error && !meta) return <div class="error">Cannot load the log: {error}</div>;
  if (!meta) return <div class="loading">Loading the log…</div>;
  return (
    <div class="viewer">
      <Header meta={meta} pos={pos} go={go} />
      {error && (
        <div class="error" role="alert">
          {error} <button onClick={() => setError(null)}>dismiss</button>
        </div>
      )}
      <Scrubber meta={meta} pos={pos} go={go} step={stepBy} choices={choices} setChoices={setChoices} />
      <DensityOverview events={meta.events} pos={pos} win={win} go={go} />
      <Timeline meta={meta} pos={pos} go={go} shown={shown} zoom={zoom} pan={pan} />
      <EventPanel meta={meta} pos={pos} at={at} go={go} />
      <div class="side-by-side">
        <SearchPanel pos={pos} go={go} />
        <ToolsPanel pos={pos} cores={meta.cores} go={go} />
      </div>
      <div class="cores">
        {at &&
          ((at.state.state["cores"] as unknown[] | undefined) ?? []).map((_, c) => (
            <CorePanel key={c} core={c} at={at} go={go} />
          ))}
      </div>
      {at && <MachinePanel at={at} />}
    </div>
  );
}
