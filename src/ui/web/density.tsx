/**
 * The whole log at a glance: a row per event family (TLBI, IPI, fault, ASID, ...), each cell darker the
 * more events of that family fall in its part of the log, with the window the timeline shows and the
 * position marked. Click a cell to go there. One request for the whole log, whatever its length.
 */
import { useEffect, useState } from "preact/hooks";
import type { Density } from "../protocol.ts";
import { api } from "./api.ts";
import { family } from "./format.ts";

const BUCKETS = 300;
/** Rows, in the order a kernel engineer scans them; a family the log lacks is left out. */
const ROWS: [string, string][] = [
  ["violation", "violation"],
  ["tlbi", "TLBI"],
  ["mmu", "fault"],
  ["pte", "PTE"],
  ["ipi", "IPI"],
  ["asid", "ASID"],
  ["vmid", "VMID"],
  ["hyp", "hyp"],
  ["sched", "sched"],
  ["tlb", "TLB"],
];
const ROW_H = 9;
const LABEL = 84;

export function DensityOverview({
  events,
  pos,
  win,
  go,
}: {
  events: number;
  pos: number;
  win: { from: number; size: number };
  go: (p: number) => void;
}) {
  const [d, setD] = useState<Density | null>(null);
  useEffect(() => void api.density(BUCKETS).then(setD, () => setD(null)), []);
  if (!d || events === 0) return null;
  const byFamily = new Map<string, number[]>();
  for (const [type, counts] of Object.entries(d.types)) {
    const f = family(type);
    const row = byFamily.get(f) ?? new Array<number>(d.buckets).fill(0);
    counts.forEach((c, i) => (row[i]! += c));
    byFamily.set(f, row);
  }
  const rows = ROWS.filter(([f]) => byFamily.has(f));
  const pct = (seq: number): number => (Math.max(0, Math.min(events, seq)) / events) * 100;
  return (
    <section class="density" data-testid="density">
      {rows.map(([f, label]) => {
        const counts = byFamily.get(f)!;
        const max = Math.max(1, ...counts);
        return (
          <div key={f} class="density-row" style={{ height: `${ROW_H}px` }}>
            <span class="density-label" style={{ width: `${LABEL}px` }}>
              {label}
            </span>
            <div class="density-cells">
              {counts.map(
                (c, i) =>
                  c > 0 && (
                    <span
                      key={i}
                      class={`density-cell fam-bg-${f}`}
                      style={{
                        left: `${(i / d.buckets) * 100}%`,
                        width: `${100 / d.buckets}%`,
                        opacity: 0.25 + 0.75 * (c / max),
                      }}
                      title={`${label}: ${c} events in #${i * d.per}–#${Math.min(events, (i + 1) * d.per) - 1}`}
                      onClick={() => go(i * d.per + 1)}
                    />
                  ),
              )}
            </div>
          </div>
        );
      })}
      <div class="density-marks" style={{ left: `${LABEL}px` }}>
        <span
          class="density-window"
          style={{ left: `${pct(win.from)}%`, width: `${Math.max(0.3, pct(win.from + win.size) - pct(win.from))}%` }}
        />
        <span class="density-pos" style={{ left: `${pct(Math.max(0, pos - 1))}%` }} data-testid="density-pos" />
      </div>
    </section>
  );
}
