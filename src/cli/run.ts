/** `smpsim run`: one run of a scenario, a summary, a log, and an exit code scripts can rely on. */
import { existsSync, mkdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { staleTemps } from "../log/writer.js";
import { hex } from "../../cores/page-table.js";
import { Interrupted } from "../run/interruptible.js";
import { runScenario, type RunResult } from "../run/run-scenario.js";
import { coreReports, coreTable, verdictOf } from "../run/summary.js";
import type { Scenario } from "../scenario/types.js";
import { intOption, parse } from "./args.js";
import { machineInvariants } from "../invariants/index.js";
import { applyOverrides } from "./overrides.js";
import type { Catalog } from "./catalog.js";
import { EXIT_OK, EXIT_VIOLATION, UsageError } from "./errors.js";
import type { Io } from "./io.js";

export const runHelp = `usage: smpsim run <scenario> [--seed N] [--strategy random|fifo] [--schedule S]
                  [--log FILE [--force] | --no-log] [--max-events N] [--set PATH=VALUE] [--json]

Runs a scenario (a built-in name from \`smpsim list\`, or a path to a scenario JSON file) and checks the
invariants after every event.
  --seed N          seed for the random strategy (default: the scenario's, usually 1); with --seed a
                    scenario's recorded schedule (schedule.choices) is not followed
  --strategy S      random (default) or fifo (earliest ready first, no speculative walks)
  --schedule S      follow this schedule string first (as printed by a run), then the strategy
  --log FILE        write the event log here (default: smpsim-runs/<scenario>-seed<N>.log, never
                    overwriting, and reusing an earlier one there when this run's is identical);
                    --force replaces an existing FILE; --no-log writes none
  --max-events N    stop after N events (default: the scenario's maxEvents)
  --set PATH=VALUE  change a scenario field first, e.g. --set kernel.switchSequence=reserved-asid
                    (repeatable; VALUE is JSON, or a bare word for a string)
  --json            print one JSON object with the result instead of the summary
Exit status: 0 clean, 1 an invariant was violated (or a deadlock), 2 bad input; 130 / 143 stopped by
Ctrl-C (SIGINT) / SIGTERM, leaving no log behind (a second signal quits at once).`;

const OPTIONS = {
  seed: { type: "string" },
  strategy: { type: "string" },
  schedule: { type: "string" },
  log: { type: "string" },
  "no-log": { type: "boolean" },
  force: { type: "boolean" },
  "max-events": { type: "string" },
  set: { type: "string", multiple: true },
  json: { type: "boolean" },
} as const;

/** Log names under smpsim-runs/ for a scenario and seed: name.log, name-2.log, ... */
function defaultLogPaths(id: string, seed: number): (n: number) => string {
  const base = join("smpsim-runs", `${id}-seed${seed}`);
  return (n) => (n === 1 ? `${base}.log` : `${base}-${n}.log`);
}

/** A fresh log name under smpsim-runs/: the first of name.log, name-2.log, ... that does not exist. */
function defaultLogPath(id: string, seed: number): string {
  mkdirSync("smpsim-runs", { recursive: true });
  const at = defaultLogPaths(id, seed);
  for (let n = 1; ; n++) if (!existsSync(at(n))) return at(n);
}

/**
 * The same scenario, seed and schedule give the same log byte for byte: when the default path's new
 * log equals one written before it, keep the older one and drop the copy (so rerunning a seed does
 * not pile up identical files). A log that differs (the model or the scenario changed) is kept.
 */
function reuseIdentical(written: string, id: string, seed: number): string {
  const at = defaultLogPaths(id, seed);
  const size = statSync(written).size;
  let bytes: Buffer | null = null;
  for (let n = 1; at(n) !== written && existsSync(at(n)); n++) {
    if (statSync(at(n)).size !== size) continue;
    bytes ??= readFileSync(written);
    if (bytes.equals(readFileSync(at(n)))) {
      unlinkSync(written);
      return at(n);
    }
  }
  return written;
}

export async function run(argv: string[], catalog: Catalog, io: Io): Promise<number> {
  const a = parse("run", argv, OPTIONS, [1]);
  if (a.values.help) return (io.out(runHelp), 0);
  const { scenario: named, baseDir, source } = catalog.load(a.positionals[0]!);
  const loaded = applyOverrides(named, (a.values.set as unknown as string[] | undefined) ?? [], catalog);
  const maxEvents = intOption("run", "max-events", a.values["max-events"], 1, 1e9);
  const scenario: Scenario = maxEvents ? { ...loaded, machine: { ...loaded.machine, maxEvents } } : loaded;
  const seed = intOption("run", "seed", a.values.seed, 0, 0x7fffffff) ?? scenario.schedule.seed;
  const strategy = (a.values.strategy ?? scenario.schedule.strategy) as string;
  if (strategy !== "random" && strategy !== "fifo")
    throw new UsageError(`run: --strategy must be random or fifo, got "${strategy}"`);
  if (a.values["no-log"] && a.values.log) throw new UsageError("run: --log and --no-log contradict each other");
  const byDefault = !a.values["no-log"] && a.values.log === undefined;
  const logPath = a.values["no-log"] ? null : ((a.values.log as string | undefined) ?? defaultLogPath(scenario.id, seed));
  // A scenario that records the schedule of its violation is run along it unless told otherwise.
  const schedule =
    (a.values.schedule as string | undefined) ?? (a.values.seed === undefined ? scenario.schedule.choices : undefined);
  if (logPath) removeStaleTemps(logPath, io);
  let r: RunResult;
  try {
    r = await runScenario({
      interruptible: true,
      scenario,
      baseDir,
      source: source === "built-in" ? `built-in scenario ${named.id}` : source,
      seed,
      strategy,
      ...(schedule !== undefined ? { schedule } : {}),
      ...(logPath ? { log: { path: logPath, force: Boolean(a.values.force) } } : {}),
      // The summary shows the schedule's first 200 characters; --json prints all of it.
      keepSchedule: Boolean(a.values.json),
    });
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    io.err(
      `smpsim: run: ${e.message}; ${logPath ? `removed the unfinished log (${logPath} was not written)` : "no log was being written"}`,
    );
    return e.exitCode;
  }
  const kept = byDefault && logPath ? reuseIdentical(logPath, scenario.id, seed) : logPath;
  const log = kept !== logPath ? `${kept} (this run's log is identical to it, so no new file)` : kept;
  if (a.values.json) io.out(JSON.stringify(runJson(scenario, seed, strategy, r, kept)));
  else printSummary(io, scenario, seed, strategy, r, log, schedule !== undefined && a.values.schedule === undefined);
  return r.outcome.violation ? EXIT_VIOLATION : EXIT_OK;
}

/** Removes the temporary logs that killed runs left beside `logPath`, saying so. */
function removeStaleTemps(logPath: string, io: Io): void {
  for (const { file, pid } of staleTemps(dirname(logPath))) {
    try {
      unlinkSync(file);
      io.err(`smpsim: removed ${file}, the unfinished log of a run (pid ${pid}) that was stopped before it could finish`);
    } catch {
      // Gone already, or not ours to remove: nothing to report.
    }
  }
}

export function runJson(scenario: Scenario, seed: number, strategy: string, r: RunResult, log: string | null) {
  const perCore = coreReports(r.state);
  return {
    scenario: scenario.id,
    seed,
    strategy,
    verdict: verdictOf(r.outcome),
    stopReason: r.outcome.reason,
    violation: r.outcome.violation,
    events: r.outcome.events,
    virtualTime: r.state.t,
    rollovers: perCore.reduce((n, c) => n + c.rollovers, 0),
    perCore,
    stateHash: r.stateHash,
    schedule: r.schedule,
    log,
  };
}

function printSummary(
  io: Io,
  sc: Scenario,
  seed: number,
  strategy: string,
  r: RunResult,
  log: string | null,
  recorded: boolean,
): void {
  const m = sc.machine;
  io.out(`SEED=${seed}  scenario ${sc.id}: ${sc.description}`);
  io.out(
    `machine: ${m.cores} cores, ${m.tlbEntries}-entry ${m.tlbWays ? `${m.tlbWays}-way ` : ""}${m.tlbPolicy} TLBs, PAGE_OFFSET ${hex(m.pageOffset)}, ` +
      `speculative walks ${m.speculation.enabled ? `on (rate ${m.speculation.rate})` : "off"}; ` +
      `kernel: ASID allocator ${sc.kernel.asidAllocator} (${sc.kernel.asidBits}-bit), switch ${sc.kernel.switchSequence}; strategy ${strategy}`,
  );
  const h = sc.hyp;
  if (h) {
    const how =
      h.worldSwitch === "armv6-kvm"
        ? `host kernel mappings ${h.hostKernelMappings}, TLB flush on world switch ${h.flushOnSwitch ? "on" : "off"}`
        : `VMID allocator ${h.vmidAllocator} (${h.vmidBits}-bit, publish ${h.vmidPublish})`;
    io.out(`hypervisor: ${h.worldSwitch}, ${h.vms.length} VMs, ${how}`);
  }
  if (recorded) {
    io.out(`following the scenario's recorded schedule (schedule.choices; --seed N runs the random strategy instead)`);
  }
  io.out(
    `${r.outcome.events} events, virtual time ${r.state.t} cycles` +
      (r.outcome.reason === "limit" ? " (stopped at the event limit)" : ""),
  );
  io.out("");
  io.out(coreTable(coreReports(r.state), r.state.hyp !== undefined));
  io.out(
    "(TLBIs: maintenance operations carried out, full: of them whole-TLB; roll-overs: started here / seen" +
      (h ? "; world-sw: entries into and exits from guests; VMID-r/o: VMID roll-overs started here)" : ")"),
  );
  io.out("");
  const v = r.outcome.violation;
  if (v) io.out(`VIOLATION of ${v.invariant} at event ${v.at}: ${v.message}`);
  else io.out(`verdict: clean (${machineInvariants.map((i) => i.name).join(", ")} and liveness held after every event)`);
  io.out(
    `schedule: ${r.scheduleLength > 200 ? r.schedule.slice(0, 200) + `... (${r.scheduleLength} characters; the log has all)` : r.schedule || "(no choices)"}`,
  );
  io.out(log ? `log: ${log}` : "log: not written (--no-log)");
}
