/**
 * The bench's scaling table (issue "The engine at scale"): CPU seconds per million events of a run
 * with no log as the machine grows (cores with and without broadcast shootdowns, TLB entries that
 * always miss, tasks), each against its small machine (target: within 2×), and the peak RSS of a
 * 10-million-event run (target: under 150 MB). Every row runs in a fresh process (`bin/bench.js
 * --scale-child FILE`), so one row's heap and JIT state do not colour the next, and the RSS is the run's.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BASE_MACHINE, scaleScenarioJson, type ScaleMachine } from "./scale-scenarios.js";

export const SCALE_TARGETS = { ratio: 2, rssMB: 150 } as const;

/** What a child reports for one run. */
export interface ScaleFigure {
  /** Events measured: the run's after its warm-up. */
  events: number;
  /** CPU seconds of those events. */
  cpuSeconds: number;
  /** CPU seconds of the warm-up events before them (the engine's code being compiled). */
  warmupSeconds: number;
  /** CPU seconds of the rest of the run: building the machine, hashing its final state. */
  setupSeconds: number;
  maxRssMB: number;
}

export interface ScaleRow {
  group: string;
  label: string;
  events: number;
  secondsPerMillion: number;
  /** The run's first events, not measured, and their CPU seconds. */
  warmupEvents: number;
  warmupSeconds: number;
  /** CPU seconds of the run's work before its first event and after its last. */
  setupSeconds: number;
  /** Against the group's small machine. */
  ratio: number;
  pass: boolean;
}

export interface ScaleSection {
  rows: ScaleRow[];
  /** Runs per row: each row's figure is their median. */
  repeats: number;
  rss: { events: number; maxRssMB: number; pass: boolean };
}

type Runner = (file: string, warmup: number) => ScaleFigure;

/** Runs `bin/bench.js --scale-child FILE WARMUP` (the bench's own entry point) and reads its one JSON line. */
export function childRunner(benchBin: string): Runner {
  return (file, warmup) => {
    const r = spawnSync(process.execPath, [benchBin, "--scale-child", file, String(warmup)], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    if (r.status !== 0) throw new Error(`bench: the scaling child failed (${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout) as ScaleFigure;
  };
}

interface Case {
  group: string;
  label: string;
  machine: Partial<ScaleMachine>;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const cores of [2, 8, 32, 64])
    out.push({ group: "cores (plain)", label: `${cores} cores`, machine: { cores, tasks: 2 * cores } });
  for (const cores of [2, 8, 32, 64])
    out.push({
      group: "cores (broadcast shootdowns)",
      label: `${cores} cores`,
      machine: { cores, tasks: 2 * cores, shoot: true },
    });
  // More pages than entries, swept once per slice: every access misses and evicts the LRU entry.
  for (const tlb of [16, 256, 1024, 4096]) {
    out.push({
      group: "TLB entries (every access misses)",
      label: `${tlb} entries`,
      machine: { tlb, tasks: 2, pages: tlb + tlb / 16 + 4, rep: 1 },
    });
  }
  // The same sweeps on set-associative TLBs (machine.tlbWays): 4-way as the Cortex-A53 main TLB, and
  // the Neoverse N1 L2 TLB's 1,280 entries in 5 ways; against the 16-entry fully associative row.
  for (const [tlb, ways] of [
    [16, 16],
    [256, 4],
    [1024, 4],
    [4096, 4],
    [1280, 5],
  ] as const) {
    out.push({
      group: "set-associative TLB (every access misses)",
      label: tlb === ways ? `${tlb} entries, 1 set` : `${tlb}, ${ways}-way`,
      // ways + 1 pages in every set: each access misses and evicts its set's LRU way.
      machine: { tlb, ways, tasks: 2, pages: tlb + tlb / ways, rep: 1 },
    });
  }
  for (const tasks of [4, 1024, 4096]) out.push({ group: "tasks", label: `${tasks} tasks`, machine: { cores: 4, tasks } });
  return out;
}

/** Runs per row (not under --quick): the row's figure is their median. */
const SCALE_REPEATS = 3;

export function scaleSection(quick: boolean, run: Runner, progress: (line: string) => void): ScaleSection {
  const dir = mkdtempSync(join(tmpdir(), "smpsim-scale-"));
  try {
    // Each row: a warm-up (not measured: scale-child.ts says why), then the events measured.
    const warmup = quick ? 2e4 : 2e5;
    const events = quick ? 2e4 : 2e5;
    const rows: ScaleRow[] = [];
    const first = new Map<string, number>();
    for (const c of cases()) {
      const file = join(dir, "case.json");
      writeFileSync(
        file,
        JSON.stringify(scaleScenarioJson("scale", { ...BASE_MACHINE, ...c.machine, maxEvents: warmup + events })),
      );
      // The median of three runs (one under --quick): on a shared machine a single 200,000-event run
      // moved by up to 40%, and a base row measured in a quiet moment put its whole group over.
      const runs = Array.from({ length: quick ? 1 : SCALE_REPEATS }, () => run(file, warmup));
      runs.sort((a, b) => a.cpuSeconds / a.events - b.cpuSeconds / b.events);
      const f = runs[runs.length >> 1]!;
      const perMillion = (f.cpuSeconds / f.events) * 1e6;
      if (!first.has(c.group)) first.set(c.group, perMillion);
      const ratio = perMillion / first.get(c.group)!;
      rows.push({
        group: c.group,
        label: c.label,
        events: f.events,
        secondsPerMillion: perMillion,
        warmupEvents: warmup,
        warmupSeconds: f.warmupSeconds,
        setupSeconds: f.setupSeconds,
        ratio,
        pass: ratio <= SCALE_TARGETS.ratio,
      });
      progress(`scaling: ${c.group}, ${c.label}: ${perMillion.toFixed(2)} s per million events`);
    }
    const long = quick ? 2e5 : 1e7;
    const file = join(dir, "long.json");
    writeFileSync(
      file,
      JSON.stringify(scaleScenarioJson("long", { ...BASE_MACHINE, cores: 4, tlb: 64, tasks: 8, maxEvents: long })),
    );
    progress(`scaling: a ${long.toLocaleString("en-US")}-event run for its peak RSS`);
    const f = run(file, 0);
    return {
      rows,
      repeats: quick ? 1 : SCALE_REPEATS,
      rss: { events: f.events, maxRssMB: f.maxRssMB, pass: f.maxRssMB <= SCALE_TARGETS.rssMB },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatScale(s: ScaleSection): string {
  const lines = [
    "Engine at scale: CPU seconds per million events (run, no log), against each group's first row (target ≤ 2×),",
    `measured after each run's first ${(s.rows[0]?.warmupEvents ?? 0).toLocaleString("en-US")} events (src/bench/scale-child.ts), the median of ${s.repeats} run${s.repeats === 1 ? "" : "s"};`,
    "beside it, CPU seconds of those first events and of building the machine and hashing its final state",
    "",
    `    ${"".padEnd(18)} ${"s/M".padStart(6)}    ratio        ${"warm-up".padStart(7)}  ${"build+hash".padStart(10)}`,
  ];
  let group = "";
  for (const r of s.rows) {
    if (r.group !== group) lines.push(`  ${(group = r.group)}`);
    lines.push(
      `    ${r.label.padEnd(18)} ${r.secondsPerMillion.toFixed(2).padStart(6)} s  ${r.ratio.toFixed(2).padStart(5)}×  ${r.pass ? "ok  " : "OVER"}  ${r.warmupSeconds.toFixed(2).padStart(5)} s  ${r.setupSeconds.toFixed(2).padStart(8)} s`,
    );
  }
  lines.push(
    "",
    `  peak RSS of a ${s.rss.events.toLocaleString("en-US")}-event run: ${s.rss.maxRssMB.toFixed(0)} MB (target ≤ ${SCALE_TARGETS.rssMB} MB) ${s.rss.pass ? "ok" : "OVER"}`,
  );
  return lines.join("\n");
}
