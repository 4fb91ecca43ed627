/** `smpsim compare`: two scenarios under the same seed, their cost-model figures side by side. */
import { compareTotals, gain, totals, type Row } from "../run/compare.js";
import { runScenario, type RunResult } from "../run/run-scenario.js";
import { verdictOf } from "../run/summary.js";
import type { Scenario } from "../scenario/types.js";
import { intOption, parse } from "./args.js";
import type { Catalog } from "./catalog.js";
import { EXIT_OK, EXIT_VIOLATION } from "./errors.js";
import { table } from "../views/format.js";
import type { Io } from "./io.js";
import { applyOverrides } from "./overrides.js";

export const compareHelp = `usage: smpsim compare <baseline> <other> [--seed N] [--set PATH=VALUE] [--json]

Runs two scenarios (built-in names or scenario files) with the same seed and prints their cost-model
figures side by side, summed over the cores: memory accesses, TLB hits and misses, table walks and walk
steps, TLB maintenance, world switches, IPIs and modelled cycles, with the change from the baseline to
the other. The last line is the headline: the relative gain in modelled cycles.
  e.g. smpsim compare kvm-armv6-flush kvm-armv6-nonglobal
  --seed N          the seed of both runs (default: the baseline scenario's)
  --set PATH=VALUE  change a field of both scenarios first (repeatable), e.g. --set machine.tlbEntries=128
  --json            one JSON object: both runs' totals and verdicts, the rows and the gain
Exit status: 0 both runs clean, 1 either violated an invariant (its figures stop at the violation),
2 bad input. Costs per operation are the scenarios' machine.costs (README, "Cost model").`;

const OPTIONS = { seed: { type: "string" }, set: { type: "string", multiple: true }, json: { type: "boolean" } } as const;

const pct = (x: number | null): string => (x === null ? "—" : `${x > 0 ? "+" : ""}${(x * 100).toFixed(1)}%`);

function rowsTable(rows: readonly Row[], a: string, b: string): string {
  return table([["", a, b, "change"], ...rows.map((r) => [r.label, String(r.a), String(r.b), pct(r.change)])], [1, 2, 3]).join(
    "\n",
  );
}

export async function compare(argv: string[], catalog: Catalog, io: Io): Promise<number> {
  const a = parse("compare", argv, OPTIONS, [2]);
  if (a.values.help) return (io.out(compareHelp), 0);
  const sets = (a.values.set as unknown as string[] | undefined) ?? [];
  const load = (name: string): { scenario: Scenario; baseDir: string } => {
    const l = catalog.load(name);
    return { scenario: applyOverrides(l.scenario, sets, catalog), baseDir: l.baseDir };
  };
  const [base, other] = [load(a.positionals[0]!), load(a.positionals[1]!)];
  const seed = intOption("compare", "seed", a.values.seed, 0, 0x7fffffff) ?? base.scenario.schedule.seed;
  const runOf = (l: { scenario: Scenario; baseDir: string }): Promise<RunResult> =>
    runScenario({ scenario: l.scenario, baseDir: l.baseDir, seed, strategy: l.scenario.schedule.strategy });
  const [ra, rb] = [await runOf(base), await runOf(other)];
  const [ta, tb] = [totals(ra.state), totals(rb.state)];
  const rows = compareTotals(ta, tb);
  const g = gain(ta, tb);
  const [ia, ib] = [base.scenario.id, other.scenario.id];
  const violated = [ra, rb].some((r) => r.outcome.violation);
  if (a.values.json) {
    const side = (id: string, r: RunResult, t: typeof ta) => ({
      scenario: id,
      verdict: verdictOf(r.outcome),
      violation: r.outcome.violation,
      events: r.outcome.events,
      totals: t,
    });
    io.out(JSON.stringify({ seed, baseline: side(ia, ra, ta), other: side(ib, rb, tb), rows, ...g }));
    return violated ? EXIT_VIOLATION : EXIT_OK;
  }
  io.out(`SEED=${seed}`);
  io.out(rowsTable(rows, ia, ib));
  for (const [id, r] of [
    [ia, ra],
    [ib, rb],
  ] as const) {
    if (r.outcome.violation)
      io.out(`${id}: VIOLATION of ${r.outcome.violation.invariant} at event ${r.outcome.violation.at}: its figures stop there`);
  }
  const walk = ta.walkCycles === 0 ? "" : `, table-walk cycles ${pct((tb.walkCycles - ta.walkCycles) / ta.walkCycles)}`;
  io.out(
    `${ib} vs ${ia}: ${(Math.abs(g.cycleReduction) * 100).toFixed(1)}% ${g.cycleReduction >= 0 ? "fewer" : "more"} modelled cycles ` +
      `(${g.speedup.toFixed(2)}× ${g.speedup >= 1 ? "faster" : "slower"})${walk}, TLB misses ${pct(rows.find((r) => r.metric === "misses")!.change)}`,
  );
  return violated ? EXIT_VIOLATION : EXIT_OK;
}
