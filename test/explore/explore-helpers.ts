/**
 * Helpers the exploration tests share: targets for built-in scenarios and for tiny hand-made ones,
 * explore requests with defaults, a chooser wrapper that records what each step choice offered, and
 * the built CLI. Not a test file itself (vitest runs *.test.ts only).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadScenario, readScenario } from "../../scenarios/index.js";
import { munmapScenario } from "../../scenarios/tlb-shootdown-munmap.js";
import type { ChoiceKind, Chooser, StepOption } from "../../src/engine/chooser.js";
import type { ExecutionTarget } from "../../src/explore/execution.js";
import { explore, type ExploreRequest, type ExploreResult } from "../../src/explore/explorer.js";
import type { StrategyName } from "../../src/explore/strategy.js";
import { resolveAllocator } from "../../src/kernel/asid/registry.js";
import type { Scenario, Shootdown } from "../../src/scenario/types.js";
import { BIN, ROOT } from "../kernel/kernel-helpers.js";

export async function targetOf(scenario: Scenario): Promise<ExecutionTarget> {
  return { scenario, allocator: await resolveAllocator(scenario.kernel.asidAllocator, ".") };
}

export async function builtinTarget(name: string): Promise<ExecutionTarget> {
  return targetOf(loadScenario(name).scenario);
}

type Op = Record<string, unknown>;
export const rd = (va: string): Op => ({ op: "read", va });
export const unmap = (va: string, shootdown: Shootdown): Op => ({ op: "unmap", va, shootdown });

export interface TinyOptions {
  /** How the unmapping core invalidates the other core's TLB (default broadcast: clean). */
  shootdown?: Shootdown;
  /** Core 0's script (default: two reads, then the unmap of 0x8000). */
  core0?: Op[];
  /** Core 1's script (default: three reads of the page being unmapped and its neighbour). */
  core1?: Op[];
  /** Fields merged into `machine` (e.g. speculation, tlbEntries). */
  machine?: Record<string, unknown>;
}

/**
 * The munmap race cut down to a size that exhaustive search finishes in well under a second: two
 * threads of one mm, each pinned to its own core; core 0 reads two pages and unmaps one of them,
 * core 1 keeps reading it.
 */
export function tinyScenario(o: TinyOptions = {}): Scenario {
  const shootdown = o.shootdown ?? "broadcast";
  const base = munmapScenario(
    `tiny-munmap-${shootdown}`,
    shootdown,
    shootdown === "broadcast" ? "clean" : "violation",
    "tiny munmap race",
  );
  const raw = {
    ...base,
    machine: { ...base.machine, ...o.machine },
    tasks: [
      { id: "A.0", mm: "A", cores: [0], script: o.core0 ?? [rd("0x8000"), rd("0x9000"), unmap("0x8000", shootdown)] },
      { id: "A.1", mm: "A", cores: [1], script: o.core1 ?? [rd("0x8000"), rd("0x9000"), rd("0x8000")] },
    ],
  };
  return readScenario(raw, "tiny munmap scenario");
}

export const tinyTarget = (o: TinyOptions = {}): Promise<ExecutionTarget> => targetOf(tinyScenario(o));

/** An explore request with the CLI's defaults (seed 1, depth 3, 2 preemptions). */
export function request(
  target: ExecutionTarget,
  strategy: StrategyName,
  over: Partial<Omit<ExploreRequest, "target" | "strategy">> = {},
): ExploreRequest {
  return { target, strategy, budget: 10_000, seed: 1, depth: 3, preemptions: 2, ...over };
}

export const run = (
  target: ExecutionTarget,
  strategy: StrategyName,
  over: Partial<Omit<ExploreRequest, "target" | "strategy">> = {},
): ExploreResult => explore(request(target, strategy, over));

/** One step choice as the engine offered it: the keys of the options and the key picked. */
export interface StepRecord {
  keys: number[];
  picked: number;
  /** The key of the item carried out just before this choice (MIN_SAFE_INTEGER at the start). */
  prev: number;
}

/** Passes every choice through to `inner`, recording the step choices. */
export class RecordingChooser implements Chooser {
  readonly steps: StepRecord[] = [];
  readonly all: { kind: ChoiceKind; of: number; pick: number }[] = [];
  private prev = Number.MIN_SAFE_INTEGER;
  constructor(readonly inner: Chooser) {}
  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number {
    const p = this.inner.pick(kind, of, options);
    this.all.push({ kind, of, pick: p });
    if (kind === "step") {
      const keys = options.slice(0, of).map((x) => x.key);
      this.steps.push({ keys, picked: keys[p]!, prev: this.prev });
    }
    return p;
  }
  stepped(key: number): void {
    this.prev = key;
    this.inner.stepped?.(key);
  }
}

/**
 * Small spaces that stateless DPOR exhausts in seconds, on which the stateful searches are compared
 * with it (stateful.test.ts, stateful-dpor.test.ts): name and target.
 */
export const SMALL_SEARCH_TARGETS = [
  ["tiny munmap, broadcast (clean)", () => tinyTarget()],
  ["tiny munmap, local only (violation)", () => tinyTarget({ shootdown: "local" })],
  [
    "tiny munmap with speculative walks",
    () =>
      tinyTarget({
        core0: [rd("0x8000"), unmap("0x8000", "broadcast")],
        core1: [rd("0x8000"), rd("0x8000")],
        machine: { speculation: { enabled: true, rate: 0.2, vas: ["0x8000"] } },
      }),
  ],
  ["tlb-shootdown-munmap", () => builtinTarget("tlb-shootdown-munmap")],
] as const;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (bin/smpsim.js runs dist/; build it with `npx tsc -p .`). */
export function smpsim(cwd: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Builds dist/ when it is missing altogether (a bare `npx vitest run` on a fresh checkout). */
export function ensureBuilt(): void {
  if (existsSync(join(ROOT, "dist/src/cli/main.js")) && existsSync(join(ROOT, "dist/src/explore/worker.js"))) return;
  const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", ROOT], { encoding: "utf8" });
  if (!existsSync(join(ROOT, "dist/src/explore/worker.js"))) throw new Error(`could not build dist/: ${tsc.stdout}${tsc.stderr}`);
}
