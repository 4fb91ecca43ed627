/**
 * The window of the log around the current event, drawn in SVG: a lane per core (and per VM, and one
 * for the machine), each event a mark in its own column, spans for tasks, context switches (sched.pick
 * to the end of switch_mm), IPI handlers, smp_call_function waits and world switches, and arrows for
 * bus messages (sender → receiver, and the ack back). Clicking a mark moves there; the wheel pans,
 * Ctrl+wheel zooms.
 */
import { Component, type JSX, type RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Lane, Meta } from "../protocol.ts";
import type { Win } from "./view.ts";
import { family } from "./format.ts";

const LABEL = 84;
/** Two rows of axis: event numbers, and the virtual time (cycles) of the event at each tick. */
const AXIS = 30;
const LANE_H = { core: 62, vm: 30, machine: 26 } as const;
/** Rows inside a core lane, by span category; marks go below the spans. */
const ROW: Record<string, { y: number; h: number }> = {
  task: { y: 3, h: 14 },
  world: { y: 3, h: 14 },
  switch: { y: 19, h: 10 },
  call: { y: 19, h: 10 },
  ipi: { y: 31, h: 10 },
};
/** What the colours mean (style.css), shown under the lanes. */
const LEGEND: [string, string][] = [
  ["fam-tlb", "TLB hit/fill"],
  ["fam-tlbi", "TLBI"],
  ["fam-mmu", "fault"],
  ["fam-ipi", "IPI / bus"],
  ["fam-sched", "scheduler"],
  ["fam-asid", "ASID"],
  ["fam-hyp", "hypervisor"],
  ["fam-reg", "register / barrier"],
  ["fam-var", "variable / lock"],
  ["fam-pte", "PTE"],
  ["fam-violation", "violation"],
  ["span-task", "task"],
  ["span-switch", "context switch"],
  ["span-ipi", "IPI handler"],
  ["span-call", "waiting for acks"],
  ["span-world", "in a guest"],
];
const MARK = { core: { y: 44, h: 14 }, vm: { y: 18, h: 10 }, machine: { y: 6, h: 14 } } as const;

interface Props {
  meta: Meta;
  pos: number;
  go: (p: number) => void;
  /** The window drawn, with its data (null until the first arrives). */
  shown: Win | null;
  zoom: (factor: number) => void;
  pan: (events: number) => void;
}

function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(1200);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setW(el.clientWidth || 1200));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}

/** A round step between axis ticks giving about ten of them. */
function tickStep(size: number): number {
  const raw = Math.max(1, size / 10); // events are whole
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? p * 10;
}

const fit = (text: string, px: number): string => {
  const n = Math.floor(px / 6.2);
  return n <= 1 ? "" : text.length <= n ? text : text.slice(0, n - 1) + "…";
};

export function Timeline({ meta, pos, go, shown, zoom, pan }: Props) {
  // Drawn to the scale of the window whose data is here (a newer one may be on its way); a log shorter
  // than the window fills the width.
  const from = shown?.from ?? 0;
  const size = Math.max(1, Math.min(shown?.size ?? 1, meta.events));
  const [ref, width] = useWidth();
  const plotW = Math.max(100, width - LABEL - 8);
  const cw = plotW / size;
  const X = (seq: number): number => LABEL + (seq - from) * cw;
  const laneY: number[] = [];
  let y = AXIS;
  for (const l of meta.lanes) {
    laneY.push(y);
    y += LANE_H[l.kind];
  }
  const height = y + 4;
  const kindOf = (lane: number): Lane["kind"] => meta.lanes[lane]?.kind ?? "core";
  const markY = (lane: number): number => (laneY[lane] ?? 0) + MARK[kindOf(lane)].y;
  const to = Math.min(meta.events, from + size);
  const step = tickStep(size);
  const ticks: number[] = [];
  for (let s = Math.ceil(from / step) * step; s < to; s += step) ticks.push(s);
  const v = meta.violation;
  const cur = pos - 1;
  const curMark = shown?.events.events.find((e) => e.seq === cur);
  // The virtual-time axis: cycles at each event tick (events are not evenly spaced in time).
  const tAt = (seq: number): number | undefined => shown?.events.events[seq - (shown?.events.from ?? 0)]?.t;
  // Spans, marks and arrows depend on the window only: drawn again when it moves, not at each step.
  const drawLayers = (): JSX.Element => (
    <g>
      {shown?.lanes.spans.map((s, i) => {
        const row = ROW[s.cat] ?? ROW["ipi"]!;
        const top = kindOf(s.lane) === "vm" ? 3 : row.y;
        const x1 = X(Math.max(s.start, from));
        const x2 = X(Math.min(s.end, to - 1)) + cw;
        return (
          <g key={`s${i}`} class={`span span-${s.cat}`}>
            <rect x={x1} y={(laneY[s.lane] ?? 0) + top} width={Math.max(1, x2 - x1)} height={row.h} rx={2}>
              <title>{`${s.name}: #${s.start}–#${s.end}`}</title>
            </rect>
            <text x={x1 + 3} y={(laneY[s.lane] ?? 0) + top + row.h - 3} class="span-label">
              {fit(s.name, x2 - x1 - 4)}
            </text>
          </g>
        );
      })}
      {shown?.events.events.map((e) => (
        <rect
          key={e.seq}
          x={X(e.seq) + (cw > 3 ? 0.5 : 0)}
          y={markY(e.lane)}
          width={Math.max(1, cw > 3 ? cw - 1 : cw)}
          height={MARK[kindOf(e.lane)].h}
          class={`mark fam-${family(e.type)}`}
          data-seq={e.seq}
          onClick={() => go(e.seq + 1)}
        >
          <title>{`#${e.seq} ${e.type}: ${e.text}`}</title>
        </rect>
      ))}
      {shown?.lanes.arrows.map((a) => (
        <line
          key={`a${a.id}`}
          x1={X(a.fromSeq) + cw / 2}
          y1={markY(a.fromLane) + 7}
          x2={X(a.toSeq) + cw / 2}
          y2={markY(a.toLane) + 7}
          class={`arrow arrow-${a.cat.startsWith("ack") ? "ack" : a.cat}`}
          marker-end="url(#head)"
        >
          <title>{`${a.name} (#${a.fromSeq} → #${a.toSeq})`}</title>
        </line>
      ))}
    </g>
  );
  const onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    const d = e.deltaY || e.deltaX;
    if (e.ctrlKey) zoom(d > 0 ? 1.25 : 0.8);
    else pan(Math.sign(d) * Math.max(1, Math.round(size / 10)));
  };
  return (
    <section class="timeline-panel">
      <div class="timeline-controls">
        <button onClick={() => pan(-size)} title="previous window">
          «
        </button>
        <button onClick={() => pan(size)} title="next window">
          »
        </button>
        <button onClick={() => zoom(0.5)} title="zoom in (fewer events)" data-testid="zoom-in">
          +
        </button>
        <button onClick={() => zoom(2)} title="zoom out (more events)" data-testid="zoom-out">
          −
        </button>
        <span class="dim">
          events #{from.toLocaleString("en")}–#{Math.max(from, to - 1).toLocaleString("en")} · wheel pans, Ctrl+wheel zooms, click
          a mark to go there
        </span>
      </div>
      <div ref={ref} class="timeline-box" onWheel={onWheel}>
        <svg width={width} height={height} class="timeline" data-testid="timeline">
          <defs>
            <marker id="head" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L8,4 L0,8 z" class="arrow-head" />
            </marker>
          </defs>
          {meta.lanes.map((l, i) => (
            <g key={l.id} class={`lane lane-${l.kind}`}>
              <rect x={0} y={laneY[i]} width={width} height={LANE_H[l.kind]} class={i % 2 ? "lane-bg odd" : "lane-bg"} />
              <text x={6} y={laneY[i]! + 15} class="lane-label">
                {l.label}
              </text>
            </g>
          ))}
          {ticks.map((s) => (
            <g key={s}>
              <line x1={X(s)} x2={X(s)} y1={AXIS - 4} y2={height} class="tick-line" />
              <text x={X(s) + 2} y={12} class="tick-label">
                #{s.toLocaleString("en")}
              </text>
              {tAt(s) !== undefined && (
                <text x={X(s) + 2} y={24} class="tick-label vtime" data-testid="vtime">
                  t={tAt(s)!.toLocaleString("en")}
                </text>
              )}
            </g>
          ))}
          {v && v.at >= from && v.at < to && (
            <rect x={X(v.at)} y={AXIS} width={Math.max(cw, 2)} height={height - AXIS} class="violation-col" />
          )}
          {cur >= from && cur < to && (
            <rect x={X(cur)} y={AXIS} width={Math.max(cw, 2)} height={height - AXIS} class="cursor" data-testid="cursor" />
          )}
          <Layers key="layers" shown={shown} from={from} size={size} width={width} draw={drawLayers} />
          {curMark && (
            <rect
              x={X(cur)}
              y={markY(curMark.lane) - 2}
              width={Math.max(cw, 3)}
              height={MARK[kindOf(curMark.lane)].h + 4}
              class="current-mark"
            />
          )}
        </svg>
      </div>
      <div class="legend">
        {LEGEND.map(([cls, label]) => (
          <span key={label}>
            <i class={cls} />
            {label}
          </span>
        ))}
      </div>
    </section>
  );
}

interface LayersProps {
  shown: Props["shown"];
  from: number;
  size: number;
  width: number;
  draw: () => JSX.Element;
}

/**
 * The window's thousands of SVG elements, kept as they are while only the position moves (stepping
 * through a 4000-event window would otherwise diff every mark at every key press).
 */
class Layers extends Component<LayersProps> {
  override shouldComponentUpdate(next: LayersProps): boolean {
    const p = this.props;
    return next.shown !== p.shown || next.from !== p.from || next.size !== p.size || next.width !== p.width;
  }

  override render(): JSX.Element {
    return this.props.draw();
  }
}
