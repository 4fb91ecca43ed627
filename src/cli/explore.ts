/** `smpsim explore`: search the interleavings of a scenario for an invariant violation. */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { counterexample } from "../explore/counterexample.js";
import { exploreYielding, type ExploreResult } from "../explore/explorer.js";
import type { StrategyName } from "../explore/strategy.js";
import { exploreInWorkers } from "../explore/workers.js";
import { exploreOnQueue } from "../distributed/coordinator.js";
import { naming } from "../kernel/asid/registry.js";
import { resolveModules } from "../modules/resolve.js";
import { intOption, parse, type Parsed } from "./args.js";
import type { Catalog } from "./catalog.js";
import { EXIT_OK, EXIT_VIOLATION, UsageError } from "./errors.js";
import type { Io } from "./io.js";
import { applyOverrides } from "./overrides.js";
import { SearchWatch, parseDuration, type StopReason } from "./search-watch.js";
import { canTrace } from "../explore/program-trace.js";
import { statefulLines } from "./stateful-report.js";
import { statefulOptions } from "./stateful-options.js";
import { detectSymmetry } from "./symmetry-auto.js";
import { bootVarsProblem } from "../explore/canonical.js";
import { renamingsOf } from "../scenario/symmetry.js";

export const exploreHelp = `usage: smpsim explore <scenario> [--strategy random|pct|dfs|dpor|stateful] [--budget N] [--depth d]
                      [--preemptions P] [--order first|random|pct] [--stateful [--store exact|hash|bitstate] [--hash-bits B] [--symmetry on|off|auto]]
                      [--seed N] [--workers K] [--time T] [--out DIR [--force]] [--set PATH=VALUE] [--json]
                      [--queue redis://HOST:PORT[/db] [--resume] [--unit N]]

Searches the scenario's interleavings (core steps, bus delivery order, speculative walks, scheduler and
replacement choices) for an invariant violation. Every schedule re-executes from the start.
  --strategy S      random (seeded schedules), pct (probabilistic concurrency testing, bug depth d),
                    dfs (exhaustive, preemption-bounded), dpor (exhaustive, partial-order reduced;
                    preemption-bounded only with --preemptions), stateful (dfs --stateful)
                    (default random)
  --budget N        at most N schedules (default 10000)
  --depth d         PCT bug depth: d-1 priority change points (default 3)
  --preemptions P   at most P preemptions per schedule: dfs's bound (default 2); with dpor, bounds
                    it too (bounded partial-order reduction), and exhausted then means every
                    schedule within P preemptions was run up to equivalence (default: unbounded)
  --stateful        store each state reached at a choice point (machine, kernel, messages in
                    flight, each core's program trace) and prune a schedule where it reaches
                    one explored already. With dfs: with at least the same bound left;
                    unbounded unless --preemptions is given. With dpor (stateful DPOR,
                    unbounded, hash or exact store): the prune carries the races of the
                    state's explored continuations to the schedule (Yang et al., SPIN 2008).
                    Exhaustive like dfs and dpor; reports SPIN's figures
  --store S         how --stateful stores states: exact (full encoding), hash (64-bit hash
                    compaction) or bitstate (3 bits per state in 2^B bits) (default hash); the
                    expected number of states missed by a hash collision is reported
  --hash-bits B     bitstate: the bit array has 2^B bits (default 30: 128 MB)
  --symmetry M      --stateful: symmetry reduction over the scenario's declared groups of
                    interchangeable tasks (its "symmetry" field): each state is stored in a
                    canonical form, the least of its images under every permutation of the groups;
                    on, off, or auto (groups found: tasks that pass the checks a declared group
                    must) (default on when the scenario declares groups; README "Symmetry reduction")
  --order O         dpor: which open pick first: first (as listed), random (seeded by --seed), or
                    pct (as listed, with a PCT schedule of depth d after each DPOR one), so that a
                    search that will not finish samples the space (default first)
  --seed N          first seed of random, pct and dpor --order random (default 1)
  --workers K       run on K worker threads (default 1); the verdict is the same as with one
                    (random, pct, dfs; dpor runs on one)
  --time T          stop after this long (90s, 10m, 1h30m) and report what was covered; exit 0 if
                    nothing was found
  --out DIR         where a counterexample goes: DIR/counterexample.log, DIR/schedule.txt
                    (default: a fresh smpsim-explore/<scenario>-<strategy>[-N]); with --out DIR,
                    existing files there are kept unless --force
  --set PATH=VALUE  change a scenario field first (e.g. --set machine.cores=2 --set kernel.asidBits=2)
  --json            one JSON object with the result
  --queue URL       coordinate: put the search's units on a BullMQ queue on that Redis for
                    \`smpsim worker --queue URL\` processes (any machines) and collect their results;
                    same verdict, counterexample, schedule count and exhaustion as one thread
  --resume          with --queue: continue the run of the same arguments found on the queue (after
                    this coordinator was stopped or killed) instead of starting over
  --unit N          with --queue: schedules per random/PCT unit (default 500)
On a violation the schedule is shrunk, saved as a log that \`smpsim replay\` reproduces, and shown as
per-core columns. Progress: a bar on a terminal, else a line on stderr every 5 s. Ctrl-C (SIGINT) or
SIGTERM stops the search after the current schedule and prints the coverage so far (a second one quits
at once). Exit status: 1 a violation was found, 0 none within the budget or time, 2 bad input,
130 / 143 stopped by SIGINT / SIGTERM with nothing found.`;

const OPTIONS = {
  strategy: { type: "string" },
  budget: { type: "string" },
  depth: { type: "string" },
  preemptions: { type: "string" },
  seed: { type: "string" },
  workers: { type: "string" },
  time: { type: "string" },
  out: { type: "string" },
  force: { type: "boolean" },
  set: { type: "string", multiple: true },
  json: { type: "boolean" },
  stateful: { type: "boolean" },
  store: { type: "string" },
  "hash-bits": { type: "string" },
  symmetry: { type: "string" },
  order: { type: "string" },
  queue: { type: "string" },
  resume: { type: "boolean" },
  unit: { type: "string" },
} as const;

const STRATEGIES: string[] = ["random", "pct", "dfs", "dpor", "stateful"];

export async function exploreCommand(argv: string[], catalog: Catalog, io: Io): Promise<number> {
  const a = parse("explore", argv, OPTIONS, [1]);
  const watching: SearchWatch[] = [];
  try {
    return await exploreWatched(a, catalog, io, watching);
  } finally {
    for (const w of watching) w.release();
  }
}

async function exploreWatched(a: Parsed, catalog: Catalog, io: Io, watching: SearchWatch[]): Promise<number> {
  if (a.values.help) return (io.out(exploreHelp), 0);
  const { scenario: named, baseDir, source } = catalog.load(a.positionals[0]!);
  const given = applyOverrides(named, (a.values.set as string[] | undefined) ?? [], catalog);
  const asked0 = (a.values.strategy ?? "random") as string;
  if (!STRATEGIES.includes(asked0))
    throw new UsageError(`explore: --strategy must be one of ${STRATEGIES.join(", ")}, got "${asked0}"`);
  const strategy = (asked0 === "stateful" ? "dfs" : asked0) as StrategyName;
  const { stateful, store, symmetryAsked, log2Bits } = statefulOptions(a, asked0 === "stateful", strategy);
  // auto: the groups that pass the checks a declared group must pass (symmetry-auto.ts), in place of any declared.
  const scenario = symmetryAsked === "auto" ? detectSymmetry(given, (raw) => catalog.check(raw, "--symmetry auto")) : given;
  if (symmetryAsked === "auto")
    io.err(
      `explore: --symmetry auto: ${
        scenario.symmetry
          ? `found ${scenario.symmetry.map((g) => `[${g.tasks.join(", ")}]`).join(", ")}`
          : "no interchangeable tasks found"
      }`,
    );
  const declared = (scenario.symmetry ?? []).length > 0;
  if (symmetryAsked === "on" && !declared)
    throw new UsageError(`explore: --symmetry on: scenario ${scenario.id} declares no symmetry groups (its "symmetry" field)`);
  const symmetry = stateful && strategy === "dfs" && declared && symmetryAsked !== "off";
  const order = a.values.order as string | undefined;
  if (order !== undefined && order !== "first" && order !== "random" && order !== "pct")
    throw new UsageError(`explore: --order must be first, random or pct, got "${order}"`);
  if (order !== undefined && strategy !== "dpor") throw new UsageError("explore: --order goes with --strategy dpor");
  const dporOrder: "random" | "pct" | undefined = order === "random" ? "random" : order === "pct" ? "pct" : undefined;
  const budget = intOption("explore", "budget", a.values.budget, 1, 1e9) ?? 10_000;
  const depth = intOption("explore", "depth", a.values.depth, 1, 20) ?? 3;
  const bound = intOption("explore", "preemptions", a.values.preemptions, 0, 1000);
  // Stateful search is unbounded unless asked; DFS's default bound is 2.
  const preemptions = bound ?? (stateful ? Infinity : 2);
  // The default of 2 is DFS's; DPOR is bounded only when asked.
  const dporPreemptions = strategy === "dpor" ? bound : undefined;
  const seed = intOption("explore", "seed", a.values.seed, 0, 0x7fffffff) ?? 1;
  const asked = intOption("explore", "workers", a.values.workers, 1, 64) ?? 1;
  // DPOR's backtrack sets span the whole search tree: it runs on one thread (README, "Exploration").
  const workers = strategy === "dpor" || stateful ? 1 : asked;
  if (asked > workers)
    io.err(
      `explore: ${stateful ? "stateful search" : "dpor"} runs on one thread (${stateful ? "its state store" : "its backtrack sets"} span${stateful ? "s" : ""} the whole search); --workers ${asked} ignored`,
    );
  const force = Boolean(a.values.force);
  const queue = a.values.queue as string | undefined;
  const resume = Boolean(a.values.resume);
  if (resume && queue === undefined) throw new UsageError("explore: --resume goes with --queue");
  // Schedules per random/PCT queue unit (default 500; README "Exploration on several machines").
  const unit = intOption("explore", "unit", a.values.unit, 1, 1e9);
  const out = (a.values.out as string | undefined) ?? freshDir(join("smpsim-explore", `${scenario.id}-${strategy}`));
  const files = [join(out, "counterexample.log"), join(out, "schedule.txt")];
  const clash = files.find((f) => existsSync(f));
  if (clash && !force) throw new UsageError(`explore: ${clash} exists; not overwriting it without --force`);

  const allocator = await naming(source === "built-in" ? `built-in scenario ${named.id}` : source, () =>
    resolveModules(scenario, baseDir),
  );
  const target = { scenario, allocator };
  if (symmetry) {
    const why = bootVarsProblem(scenario, allocator, renamingsOf(scenario, scenario.symmetry!));
    if (why) throw new UsageError(`explore: symmetry: ${why}`);
  }
  const limitS = a.values.time === undefined ? null : parseDuration(a.values.time as string);
  // The seed first, as run prints it: with the scenario and the commit it reproduces the search.
  if (!a.values.json)
    io.out(
      `SEED=${seed}  explore ${scenario.id} --strategy ${strategy}, budget ${budget}${limitS !== null ? `, time limit ${limitS} s` : ""}`,
    );
  const watch = new SearchWatch(io, `explore ${scenario.id} ${strategy}`, budget, limitS, !a.values.json);
  watching.push(watch);
  if (stateful) {
    const why = canTrace(scenario);
    if (why)
      throw new UsageError(
        `explore: --stateful needs a state it can store whole: every task pinned to one core (its program state is traced per core) and the sc memory model, but ${why}`,
      );
  }
  const request = {
    target,
    strategy,
    budget,
    seed,
    depth,
    preemptions,
    ...(dporPreemptions !== undefined ? { dporPreemptions } : {}),
    ...(dporOrder ? { dporOrder } : {}),
    ...(stateful
      ? { stateful: { store, ...(log2Bits !== undefined ? { log2Bits } : {}), ...(symmetry ? { symmetry: true } : {}) } }
      : {}),
    onProgress: watch.onProgress,
    proceed: watch.proceed,
  };
  let result: ExploreResult;
  try {
    // One thread: the search yields to the event loop now and then, so Ctrl-C is heard at once.
    result =
      queue !== undefined
        ? await exploreOnQueue(request, baseDir, {
            url: queue,
            resume,
            say: (line) => io.err(line),
            ...(unit !== undefined ? { unitSchedules: unit } : {}),
          })
        : workers > 1
          ? await exploreInWorkers(request, { scenario, baseDir }, workers)
          : await exploreYielding(request);
  } finally {
    watch.finish();
  }
  const stopped = result.found ? null : watch.stopped;

  if (!result.found) {
    if (a.values.json) io.out(JSON.stringify({ scenario: scenario.id, ...summary(result), verdict: "clean", stopped, workers }));
    else {
      const why = stopped
        ? `stopped by ${stopped === "time limit" ? "the time limit" : stopped} after ${Math.round(watch.seconds())} s: `
        : "";
      io.out(
        `explore ${scenario.id} ${searchName(result)}: ${why}no violation in ${result.schedules} schedules (${result.events} events)`,
      );
      io.out(coverage(result));
      if (result.stateful) for (const l of statefulLines(result.stateful, result)) io.out(l);
    }
    return exitFor(stopped);
  }

  mkdirSync(out, { recursive: true });
  const cx = await counterexample(
    target,
    { picks: result.found.picks, invariant: result.found.violation.invariant },
    { baseDir, seed },
    { log: files[0]!, schedule: files[1]!, force },
  );
  const { schedule, shrunk, violation: v } = cx;
  if (a.values.json) {
    io.out(
      JSON.stringify({
        scenario: scenario.id,
        ...summary(result),
        verdict: "violation",
        workers,
        violation: v,
        schedule,
        shrunk,
        counterexample: files[0],
        scheduleFile: files[1],
      }),
    );
    return EXIT_VIOLATION;
  }
  io.out(
    `explore ${scenario.id} ${searchName(result)}: VIOLATION of ${v.invariant} in schedule #${result.found.index + 1} of ${result.schedules}`,
  );
  io.out(`  ${v.message}`);
  io.out(
    `shrunk from ${result.found.picks.length} choices to ${shrunk.choices} (${shrunk.explicitChoices} explicit, then fifo), ${shrunk.events} events, in ${shrunk.attempts} re-executions`,
  );
  io.out("");
  io.out(cx.columns);
  io.out("");
  io.out(`schedule: ${schedule}`);
  io.out(`counterexample: ${files[0]}  (smpsim replay ${files[0]}; smpsim run ${scenario.id} --schedule "$(cat ${files[1]})")`);
  io.out(coverage(result));
  return EXIT_VIOLATION;
}

/** Stopped by a signal: the shell's 128 + signal number, so a script sees the search did not finish. */
function exitFor(stopped: StopReason | null): number {
  return stopped === "SIGINT" ? 130 : stopped === "SIGTERM" ? 143 : EXIT_OK;
}

/** The first of base, base-2, base-3, ... that holds no counterexample yet (the default --out never clobbers). */
function freshDir(base: string): string {
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    if (!existsSync(join(dir, "counterexample.log")) && !existsSync(join(dir, "schedule.txt"))) return dir;
  }
}

/** "--strategy dfs --preemptions 2": the bound, when the search kept to one. */
function searchName(r: ExploreResult): string {
  return `--strategy ${r.strategy}${r.stateful ? ` --stateful --store ${r.stateful.store}` : ""}${r.preemptionBound !== undefined ? ` --preemptions ${r.preemptionBound}` : ""}`;
}

function summary(r: ExploreResult) {
  return {
    strategy: r.strategy,
    ...(r.preemptionBound !== undefined ? { preemptionBound: r.preemptionBound } : {}),
    schedules: r.schedules,
    events: r.events,
    exhausted: r.exhausted,
    distinctFinalStates: r.distinctFinalStates,
    distinctStatesSeen: r.distinctStatesSeen,
    ...(r.statesSeenCapped ? { statesSeenCapped: true } : {}),
    ...(r.stateful ? { stateful: r.stateful } : {}),
  };
}

function coverage(r: ExploreResult): string {
  const space =
    r.preemptionBound !== undefined
      ? `the space within ${r.preemptionBound} preemption${r.preemptionBound === 1 ? "" : "s"}`
      : "the space";
  // A bound is a choice of the user's: exhausting it says nothing of schedules beyond it.
  const beyond =
    r.preemptionBound !== undefined
      ? ` (a bug that needs more than ${r.preemptionBound} preemption${r.preemptionBound === 1 ? "" : "s"} may lie beyond it: raise --preemptions${r.strategy === "dpor" ? ", or drop it for unbounded DPOR" : ""})`
      : "";
  const ex = r.exhausted === null ? "" : r.exhausted ? `; ${space} was exhausted${beyond}` : `; ${space} was not exhausted`;
  return `coverage: ${r.schedules} schedules, ${r.distinctFinalStates} distinct final states, ${r.statesSeenCapped ? `at least ${r.distinctStatesSeen}` : r.distinctStatesSeen} distinct states seen${r.statesSeenCapped ? " (the set of states seen is full; it is capped to bound memory)" : ""}${ex}`;
}
