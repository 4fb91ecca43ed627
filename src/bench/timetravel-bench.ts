/**
 * The bench's time-travel section: the figures of timetravel-figures.ts on the fixture's log, judged
 * against issue 5's targets (median seek ≤ 10 ms, p99 ≤ 50 ms, the loaded log with its snapshots
 * ≤ 300 MB RSS). The figures come from a fresh child process when the compiled child is
 * there (npm run bench), so the RSS is the debugger's alone; run from the TypeScript sources (the
 * vitest smoke test) they are taken in-process and the RSS gets no verdict. table.ts prints them.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { timeTravelFigures, type Latency, type TimeTravelFigures, type TimeTravelOptions } from "./timetravel-figures.js";

export const TIME_TRAVEL_TARGETS = { seekMedianMs: 10, seekP99Ms: 50, rssMB: 300 } as const;

export interface TimeTravelSection extends TimeTravelFigures {
  /** Measured in a fresh process (the RSS is the loaded log's alone). */
  isolated: boolean;
  seekPass: boolean;
  backPass: boolean;
  /** Null when not isolated: the bench's own fixtures would be counted too. */
  rssPass: boolean | null;
}

export const MB = 1e6;

function childFigures(logPath: string, opts: TimeTravelOptions): TimeTravelFigures | null {
  const child = fileURLToPath(new URL("./timetravel-child.js", import.meta.url));
  if (!import.meta.url.endsWith(".js") || !existsSync(child)) return null;
  const r = spawnSync(process.execPath, [child, logPath, String(opts.k), String(opts.seeks), String(opts.seed)], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`bench: the time-travel child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as TimeTravelFigures;
}

const meets = (l: Latency): boolean => l.medianMs <= TIME_TRAVEL_TARGETS.seekMedianMs && l.p99Ms <= TIME_TRAVEL_TARGETS.seekP99Ms;

export async function timeTravelSection(logPath: string, opts: TimeTravelOptions): Promise<TimeTravelSection> {
  const isolated = childFigures(logPath, opts);
  const f = isolated ?? (await timeTravelFigures(logPath, opts));
  return {
    ...f,
    isolated: isolated !== null,
    seekPass: meets(f.seek),
    backPass: meets(f.back),
    rssPass: isolated ? f.rssBytes <= TIME_TRAVEL_TARGETS.rssMB * MB : null,
  };
}
