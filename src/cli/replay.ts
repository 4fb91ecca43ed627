/** `smpsim replay`: fold a log back into states (and with --verify, re-execute it and compare). */
import { ALLOW_MODULES_HELP, ALLOW_MODULES_OPTION, logAllocator } from "../log/modules.js";
import { ScheduleSyntaxError, ScheduleEncoder } from "../engine/schedule.js";
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { namingFile } from "../log/apply-logged.js";
import { schemaOf } from "../events/event-schema.js";
import { LogError } from "../log/log-error.js";
import { LogStream } from "../log/stream.js";
import { Fold } from "../replay/fold.js";
import { verifyRun, type Divergence } from "../replay/verify.js";
import type { Scenario } from "../scenario/types.js";
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
${ALLOW_MODULES_HELP}
A truncated log (the writer was killed) is reported and its complete prefix replayed; with --verify its
prefix is compared, but the log is not verified (exit 1): the end of the run and its footer are missing.
Exit status: 0 clean and consistent, 1 the log shows a violation or replay diverged, 2 bad input.`;

export async function replay(argv: string[], catalog: Catalog, io: Io): Promise<number> {
  const a = parse("replay", argv, { verify: { type: "boolean" }, json: { type: "boolean" }, ...ALLOW_MODULES_OPTION }, [1]);
  if (a.values.help) return (io.out(replayHelp), 0);
  const path = a.positionals[0]!;
  // The log streams through the fold (and, with --verify, a second time through re-execution): memory
  // does not grow with the file.
  const { config, allocator, stream } = await openStream(path, catalog, a.values["allow-modules"] === true);
  const fold = new Fold(config, allocator);
  const schedule = new ScheduleEncoder();
  namingFile(path, () =>
    stream.forEach((ev) => {
      fold.add(ev);
      if (ev.type === "choice") schedule.add(ev.pick);
    }),
  );
  const { header, footer, truncated } = stream;
  const events = stream.count;
  if (truncated) io.err(`${path}: log truncated (${truncated}); replaying the ${events} complete events before it`);
  const hash = stateHash(fold.state);
  const hashOk = footer ? footer.end.stateHash === hash : null;
  const scheduleOk = footer ? footer.end.schedule === schedule.value : null;
  const divergence = a.values.verify ? await verifyFile(path, catalog, a.values["allow-modules"] === true) : null;
  const writtenBy = header.toolVersion ?? null;
  const otherVersion = writtenBy !== toolVersion();
  // A truncated log cannot be verified whole: its prefix may match, but what the run did after it (and
  // its footer) is gone, and a deleted footer looks exactly like that. --verify does not pass it.
  // Nor can a footer without the digest of the header in a log whose header records its smpsim version
  // (every such smpsim writes the digest: it was dropped). A log from before both loads and verifies.
  const noDigest = footer !== null && footer.end.header === undefined && header.toolVersion !== undefined;
  const unverified = Boolean(a.values.verify) && (truncated !== null || noDigest);
  const bad = Boolean(fold.violation) || hashOk === false || scheduleOk === false || divergence !== null || unverified;
  if (a.values.json) {
    io.out(
      JSON.stringify({
        log: path,
        scenario: config.id,
        seed: header.seed,
        events,
        truncated,
        stateHash: hash,
        stateHashMatches: hashOk,
        scheduleMatches: scheduleOk,
        toolVersion: { log: writtenBy, this: toolVersion() },
        violation: fold.violation,
        verified: a.values.verify ? divergence === null && !unverified : null,
        divergence,
        perCore: coreReports(fold.state),
      }),
    );
    return bad ? EXIT_VIOLATION : EXIT_OK;
  }
  io.out(`log ${path}: scenario ${config.id}, seed ${header.seed}, ${events} events${truncated ? " (truncated)" : ""}`);
  io.out(coreTable(coreReports(fold.state), fold.state.hyp !== undefined));
  if (fold.violation) io.out(`VIOLATION of ${fold.violation.invariant} at event ${fold.violation.at}: ${fold.violation.message}`);
  else io.out("invariants: clean over every event");
  if (hashOk === null) io.out(`state hash ${hash} (no footer to compare with)`);
  else
    io.out(hashOk ? `state hash ${hash} matches the log` : `state hash ${hash} DIFFERS from the log's ${footer!.end.stateHash}`);
  if (scheduleOk === false) io.out(`the choices in the log DIFFER from the footer's schedule`);
  if (a.values.verify) {
    if (otherVersion) {
      const who = writtenBy ? `smpsim ${writtenBy}` : "an smpsim from before logs recorded their version";
      io.out(
        `note: this log was written by ${who}, and this is smpsim ${toolVersion()}: a difference below may be a change of the model between versions rather than a damaged log`,
      );
    }
    if (!divergence && noDigest)
      io.out(
        "re-execution: every event identical, but the footer has no digest of the header (an older smpsim's log, or an edited one): the header is NOT verified",
      );
    else if (!divergence)
      io.out(
        truncated
          ? "re-execution: every event identical over the complete prefix; the rest of the run is not in the log, so it is NOT verified"
          : "re-execution: every event identical; verified",
      );
    else {
      io.out(
        `re-execution DIVERGED at event ${divergence.seq}: ${divergence.reason}${divergence.field ? ` (${divergence.field})` : ""}`,
      );
      io.out(`  logged:      ${divergence.logged ?? "(nothing)"}`);
      io.out(`  re-executed: ${divergence.reexecuted ?? "(nothing)"}`);
    }
  }
  return bad ? EXIT_VIOLATION : EXIT_OK;
}

/** The log opened as a stream, its header's configuration checked and its events checked against their schemas. */
async function openStream(
  path: string,
  catalog: Catalog,
  allowModules: boolean,
): Promise<{ config: Scenario; allocator: AsidAllocator; stream: LogStream }> {
  const stream = LogStream.open(path);
  try {
    const config = catalog.check(stream.header.config, `${path}: line 1: config`);
    stream.header.config = config;
    const allocator = await logAllocator(config, path, allowModules);
    stream.validateWith(schemaOf(config));
    return { config, allocator, stream };
  } catch (e) {
    stream.close();
    throw e;
  }
}

/** Re-executes the log, reading it a second time as a stream to compare line by line. */
async function verifyFile(path: string, catalog: Catalog, allowModules: boolean): Promise<Divergence | null> {
  const { allocator, stream } = await openStream(path, catalog, allowModules);
  try {
    return verifyRun(
      {
        header: stream.header,
        nextLine: () => namingFile(path, () => stream.next()?.line ?? null),
        ending: () => ({ footer: stream.footer, truncated: stream.truncated }),
      },
      allocator,
    );
  } catch (e) {
    if (e instanceof ScheduleSyntaxError || (e instanceof LogError && e.message.startsWith("line 1:")))
      throw new LogError(`${path}: line 1: header: ${e.message}`);
    throw e;
  } finally {
    stream.close();
  }
}
