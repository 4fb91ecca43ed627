/**
 * `npm run bench`: times the machine on the default scenario scaled to over a million events and prints
 * the table (or, with --json, one JSON object). --quick: about 50,000 events, for a smoke test.
 */
import { parseArgs } from "node:util";
import { benchPreset, runBench } from "./bench.js";
import { exploreSection, formatExplore } from "./explore-bench.js";
import { formatReport } from "./table.js";
import { formatLitmus, litmusSection } from "./litmus-bench.js";
import { formatStateful, statefulSection, type BoundedCase } from "./stateful-bench.js";
import { armv8Section, formatArmv8 } from "./armv8-bench.js";
import { formatQueue, queueSection } from "./queue-bench.js";
import { fileURLToPath } from "node:url";
import type { Scenario } from "../scenario/types.js";
import { childRunner, formatScale, scaleSection } from "./scale-bench.js";
import { scaleChild } from "./scale-child.js";

const USAGE = "usage: npm run bench [-- [--quick] [--json]]   (or: node bin/bench.js [--quick] [--json])";

/** The built-in scenarios the bench runs, handed in by its composition root (bin/bench.js): scenarios/ is the layer above src/. */
export interface BenchScenarios {
  /** A built-in scenario by name. */
  load(id: string): Scenario;
  /** The default scenario scaled to `scale` times its workload. */
  defaultAt(scale: number): Scenario;
  /** A scenario from its JSON (the scaling table's machines). */
  read(raw: unknown, file: string): Scenario;
}

/** Issue 19's moonshot: asid-small-arm64 (4 switches per core) with speculative walks, within 2 preemptions. */
function moonshot(s: Scenario): BoundedCase {
  return {
    scenario: { ...s, machine: { ...s.machine, speculation: { ...s.machine.speculation, enabled: true } } },
    preemptions: 2,
    label: "asid-small-arm64 + speculative walks",
  };
}

export async function benchMain(argv: string[], scenarios: BenchScenarios): Promise<number> {
  // One row of the scaling table, in a process of its own (scale-bench.ts spawns it).
  if (argv[0] === "--scale-child" && argv[1]) {
    const figure = await scaleChild(argv[1], Number(argv[2] ?? 0), (raw, file) => scenarios.read(raw, file));
    process.stdout.write(`${JSON.stringify(figure)}\n`);
    return 0;
  }
  let values: { quick?: boolean; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { quick: { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(
      `${USAGE}\n  --quick  about 50,000 events instead of over 1,000,000 (smoke test)\n  --json   one JSON object on stdout\n`,
    );
    return 0;
  }
  // Exploration first: its peak RSS is then the process's, before the machine bench loads a million events.
  const twin = (id: string, clean: (s: Scenario) => Scenario) => ({
    violating: scenarios.load(id),
    clean: clean(scenarios.load(id)),
  });
  const exploration = await exploreSection(
    [
      twin("tlb-shootdown-munmap-local-only", () => scenarios.load("tlb-shootdown-munmap")),
      twin("asid-switch-no-reserved", (s) => ({ ...s, kernel: { ...s.kernel, switchSequence: "reserved-asid" } })),
    ],
    scenarios.load("asid-small-generation"),
    values.quick === true,
    (line) => process.stderr.write(`bench: ${line}\n`),
  );
  const stateful = await statefulSection(
    ["tlb-shootdown-munmap", "asid-small-arm64", "asid-small-sym", "a15-vmid-small"].map((id) => scenarios.load(id)),
    values.quick === true,
    (line) => process.stderr.write(`bench: ${line}\n`),
    [moonshot(scenarios.load("asid-small-arm64"))],
  );
  // Exploration over Redis (when redis-server is installed; not in --quick, a smoke test).
  const queue = values.quick
    ? null
    : await queueSection(scenarios.load("tlb-shootdown-munmap"), (line) => process.stderr.write(`bench: ${line}\n`));
  // The whole litmus suite in one process (issue 12); from dist/src/bench/ the suite is ../../../test/litmus.
  const litmus = litmusSection(fileURLToPath(new URL("../../../test/litmus", import.meta.url)));
  const armv8 = await armv8Section(scenarios.load("default"), scenarios.load("tlb-shootdown-munmap"), values.quick === true);
  const report = await runBench({
    ...benchPreset(values.quick === true),
    scenarioAt: (scale) => scenarios.defaultAt(scale),
    progress: (line) => process.stderr.write(`bench: ${line}\n`),
  });
  const scale = scaleSection(values.quick === true, childRunner(process.argv[1]!), (line) =>
    process.stderr.write(`bench: ${line}\n`),
  );
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ ...report, exploration, queue, stateful, litmus, armv8, scale }, null, 2)}\n`
      : `${formatReport(report)}\n\n${formatExplore(exploration)}\n\n${queue ? `${formatQueue(queue)}\n\n` : ""}${formatStateful(stateful)}\n\n${formatLitmus(litmus)}\n\n${formatArmv8(armv8)}\n\n${formatScale(scale)}\n`,
  );
  return 0;
}
