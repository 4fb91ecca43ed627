/** The bench report as plain text: a preamble (Node, scenario, events) and a table with aligned columns. */
import type { BenchReport, BenchRow } from "./bench.js";
import { MB, TIME_TRAVEL_TARGETS, type TimeTravelSection } from "./timetravel-bench.js";

const int = (n: number): string => Math.round(n).toLocaleString("en-US");

/** 1234567 → "1.23 M", 45678 → "45.7 k". */
export function si(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n.toFixed(1);
}

/** 3.2 → "3.2× slower", 0.5 → "2.0× faster", about 1 → "1.0×". */
export function ratioText(r: number | null): string {
  if (r === null) return "—";
  if (Math.abs(r - 1) < 0.05) return "1.0×";
  return r > 1 ? `${r.toFixed(1)}× slower` : `${(1 / r).toFixed(1)}× faster`;
}

function verdict(row: BenchRow): string {
  return row.pass === null ? "" : row.pass ? "PASS" : "MISS";
}

/** Columns left-aligned for text, right-aligned for numbers. */
export function alignColumns(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly boolean[],
): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]): string =>
    r
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

export function formatReport(r: BenchReport): string {
  const out = [
    `smpsim bench — Node ${r.node} (${r.platform})`,
    `scenario ${r.scenario} (scale ${r.scale}, seed ${r.seed}): ${int(r.events)} events, run ends "${r.stopReason}"`,
    `each row: ${r.warmups} warm-up, then the median of ${r.repetitions} timed repetitions; "vs ceiling" = ceiling rate / row rate`,
    "",
  ];
  const header = ["case", "events", "median s", "events/s", "vs ceiling", "target", "verdict"];
  const rows = r.rows.map((m) => [
    m.name,
    `${int(m.events)}${m.unit === "events" ? "" : ` ${m.unit}`}`,
    m.seconds.toFixed(3),
    si(m.rate),
    ratioText(m.ceilingRatio),
    m.target ?? "",
    verdict(m),
  ]);
  out.push(...alignColumns(header, rows, [false, true, true, true, true, false, false]));
  if (!r.ceilingMatchesFold) {
    out.push("", "note: the ceiling loop does not end in the same state as fold replay; its figure is not a fair ceiling.");
  }
  if (r.ceilingSkipped.length) out.push(`note: event types the ceiling loop skips: ${r.ceilingSkipped.join(", ")}`);
  if (r.ceilingMismatches || r.ceilingViolations) {
    out.push(
      `note: the ceiling loop re-derived ${r.ceilingMismatches} decisions differently and saw ${r.ceilingViolations} invariant failures; its figure is not a fair ceiling.`,
    );
  }
  if (r.timeTravel) out.push("", ...formatTimeTravel(r.timeTravel));
  return out.join("\n");
}

const ttVerdict = (p: boolean | null): string => (p === null ? "—" : p ? "PASS" : "MISS");
const ms = (x: number): string => x.toFixed(3);

/** The time-travel section (issue 5): seek and back latencies, memory, snapshot methods. */
export function formatTimeTravel(s: TimeTravelSection): string[] {
  const t = TIME_TRAVEL_TARGETS;
  const latencyTarget = `median ≤ ${t.seekMedianMs} ms, p99 ≤ ${t.seekP99Ms} ms`;
  const out = [
    `time travel: K = ${s.k} (events between snapshots), ${s.events.toLocaleString("en-US")} events, ${s.snapshots.toLocaleString("en-US")} snapshots, ` +
      `${s.isolated ? "measured in a fresh process" : "measured in-process (RSS not judged)"}; load ${s.loadSeconds.toFixed(2)} s + snapshots ${s.snapshotSeconds.toFixed(2)} s`,
    "",
  ];
  const rows = [
    [
      `seek to a random event (${s.seek.count})`,
      ms(s.seek.medianMs),
      ms(s.seek.p99Ms),
      ms(s.seek.maxMs),
      latencyTarget,
      ttVerdict(s.seekPass),
    ],
    [
      `back from a random point (${s.back.count})`,
      ms(s.back.medianMs),
      ms(s.back.p99Ms),
      ms(s.back.maxMs),
      latencyTarget,
      ttVerdict(s.backPass),
    ],
    [
      `loaded log + snapshots: RSS ${(s.rssBytes / MB).toFixed(0)} MB (heap ${(s.heapUsedBytes / MB).toFixed(0)} MB)`,
      "",
      "",
      "",
      `RSS ≤ ${t.rssMB} MB`,
      ttVerdict(s.rssPass),
    ],
  ];
  out.push(
    ...alignColumns(["case", "median ms", "p99 ms", "max ms", "target", "verdict"], rows, [
      false,
      true,
      true,
      true,
      false,
      false,
    ]),
  );
  out.push("", "snapshot methods, median µs on a mid-log state: take one (given the previous) / restore a working copy");
  for (const c of s.copiers)
    out.push(
      `  ${c.name.padEnd(40)} ${c.snapshotUs.toFixed(1).padStart(8)} / ${c.restoreUs === null ? "—" : c.restoreUs.toFixed(1)}`,
    );
  return out;
}
