/** `smpsim replay`: fold a log back into states (and with --verify, re-execute it and compare). */
import { resolveAllocator } from "../kernel/asid/registry.js";
import { readLog } from "../log/reader.js";
import { foldEvents } from "../replay/fold.js";
import { verifyLog } from "../replay/verify.js";
import { coreReports, coreTable } from "../run/summary.js";
import { stateHash } from "../state/hash.js";
import { toolVersion } from "../log/tool-version.js";
import { parse } from "./args.js";
import type { Catalog } from "./catalog.js";
import { EXIT_OK, EXIT_VIOLATION } from "./errors.js";
import type { Io } from "./io.js";

export const replayHelp = `usage: smpsim replay <log> [--verify] [--json]

Fold replay: re-applies the log's events to the initial state of its scenario (from the log header),
re-checks every invariant, and compares the final state hash with the one the log recorded.
  --verify   also re-execute: run the kernel and machine again with the logged choices and compare every
             event byte for byte; prints the first differing event and field, and says so first
             when the log was written by another smpsim version
  --json     one JSON object with the result
A truncated log (the writer was killed) is reported and its complete prefix replayed.
Exit status: 0 clean and consistent, 1 the log shows a violation or replay diverged, 2 bad input.`;

export async function replay(argv: string[], catalog: Catalog, io: Io): Promise<number> {
  const a = parse("replay", argv, { verify: { type: "boolean" }, json: { type: "boolean" } }, [1]);
  if (a.values.help) return io.out(replayHelp), 0;
  const path = a.positionals[0]!;
  const log = readLog(path);
  const config = catalog.check(log.header.config, `${path}: line 1: config`);
  log.header.config = config;
  if (log.truncated) io.err(`${path}: log truncated (${log.truncated}); replaying the ${log.events.length} complete events before it`);
  const allocator = await resolveAllocator(config.kernel.asidAllocator, process.cwd());
  const fold = foldEvents(config, allocator, log.events);
  const hash = stateHash(fold.state);
  const hashOk = log.footer ? log.footer.end.stateHash === hash : null;
  const divergence = a.values.verify ? verifyLog(log, allocator) : null;
  const writtenBy = log.header.toolVersion ?? null;
  const otherVersion = writtenBy !== toolVersion();
  const bad = Boolean(fold.violation) || hashOk === false || divergence !== null;
  if (a.values.json) {
    io.out(JSON.stringify({
      log: path, scenario: config.id, seed: log.header.seed, events: log.events.length,
      truncated: log.truncated, stateHash: hash, stateHashMatches: hashOk,
      toolVersion: { log: writtenBy, this: toolVersion() },
      violation: fold.violation, verified: a.values.verify ? divergence === null : null, divergence,
      perCore: coreReports(fold.state),
    }));
    return bad ? EXIT_VIOLATION : EXIT_OK;
  }
  io.out(`log ${path}: scenario ${config.id}, seed ${log.header.seed}, ${log.events.length} events${log.truncated ? " (truncated)" : ""}`);
  io.out(coreTable(coreReports(fold.state), fold.state.hyp !== undefined));
  if (fold.violation) io.out(`VIOLATION of ${fold.violation.invariant} at event ${fold.violation.at}: ${fold.violation.message}`);
  else io.out("invariants: clean over every event");
  if (hashOk === null) io.out(`state hash ${hash} (no footer to compare with)`);
  else io.out(hashOk ? `state hash ${hash} matches the log` : `state hash ${hash} DIFFERS from the log's ${log.footer!.end.stateHash}`);
  if (a.values.verify) {
    if (otherVersion) {
      const who = writtenBy ? `smpsim ${writtenBy}` : "an smpsim from before logs recorded their version";
      io.out(`note: this log was written by ${who}, and this is smpsim ${toolVersion()}: a difference below may be a change of the model between versions rather than a damaged log`);
    }
    if (!divergence) io.out(`re-execution: every event identical${log.truncated ? " over the complete prefix" : ""}; verified`);
    else {
      io.out(`re-execution DIVERGED at event ${divergence.seq}: ${divergence.reason}${divergence.field ? ` (${divergence.field})` : ""}`);
      io.out(`  logged:      ${divergence.logged ?? "(nothing)"}`);
      io.out(`  re-executed: ${divergence.reexecuted ?? "(nothing)"}`);
    }
  }
  return bad ? EXIT_VIOLATION : EXIT_OK;
}
