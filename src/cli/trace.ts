/** `smpsim trace`: a log as a Chrome Trace Event / Perfetto JSON file. */
import { existsSync } from "node:fs";
import { ALLOW_MODULES_HELP, ALLOW_MODULES_OPTION } from "../log/modules.js";
import { namingFile } from "../log/apply-logged.js";
import { openLog } from "../timetravel/open.js";
import { streamTrace } from "../trace/export.js";
import type { TraceEvent } from "../trace/trace-event.js";
import { writeTrace } from "../trace/write.js";
import { parse } from "./args.js";
import type { Catalog } from "./catalog.js";
import { EXIT_OK, UsageError } from "./errors.js";
import type { Io } from "./io.js";

export const traceHelp = `usage: smpsim trace <log> -o trace.json [--force]

Writes the log as Chrome Trace Event JSON that opens in Perfetto (ui.perfetto.dev) or chrome://tracing:
a track per core with slices for tasks, context switches (sched.pick to the end of switch_mm), IPI
handlers and smp_call_function waits; flow arrows from each IPI or broadcast TLBI to its delivery and
from there to its ack; instants for TLB fills and hits (args: VA, PA, ASID, VMID, table, slot), TLB
maintenance (issued and received), page-table writes, ASID roll-overs, faults and violations; counters for
each core's TLB occupancy and ASID generation. Time is the log's virtual time: ts is written in
microseconds as cycles / 1000, so one modelled cycle shows as 1 ns (a 1 GHz core).
  -o, --out FILE  where to write (required); an existing FILE is kept unless --force
  --force         overwrite FILE
${ALLOW_MODULES_HELP}
A truncated log exports the complete events before its damaged tail (and says so on stderr).
Exit status: 0 written, 2 bad input (the log, or FILE exists without --force).`;

/** Trace events held before a sorted run goes to a temporary file (about 8 MB of heap). */
const SPILL_EVERY = 10_000;

export async function trace(argv: string[], catalog: Catalog, io: Io): Promise<number> {
  const a = parse(
    "trace",
    argv,
    { out: { type: "string", short: "o" }, force: { type: "boolean" }, ...ALLOW_MODULES_OPTION },
    [1],
  );
  if (a.values.help) return (io.out(traceHelp), EXIT_OK);
  const out = a.values.out;
  if (typeof out !== "string" || !out) throw new UsageError("trace: -o FILE is required (see smpsim trace --help)");
  const force = a.values.force === true;
  // Refuse before the work, not after it (writeTrace checks again when it puts the file in place).
  if (!force && existsSync(out)) throw new UsageError(`${out}: file exists; not overwriting it without --force`);
  const path = a.positionals[0]!;
  const opened = await openLog(path, (raw, where) => catalog.check(raw, where), a.values["allow-modules"] === true, { k: null });
  const { log, scenario } = opened;
  if (log.truncated)
    io.err(`${path}: log truncated (${log.truncated}); exporting the ${log.events.length} complete events before it`);
  // Sorted through run files of SPILL_EVERY events: a log of any size is written in bounded memory.
  const t = namingFile(path, () =>
    streamTrace(
      { scenario, initial: opened.initial(), events: log.events, title: `smpsim ${scenario.id} seed ${log.header.seed}` },
      SPILL_EVERY,
    ),
  );
  const counts = new Map<string, number>();
  let total = 0;
  function* counted(): Generator<TraceEvent> {
    for (const part of [t.meta, t.events]) {
      for (const e of part) {
        counts.set(e.ph, (counts.get(e.ph) ?? 0) + 1);
        total++;
        yield e;
      }
    }
  }
  try {
    writeTrace(
      out,
      counted(),
      {
        source: path,
        scenario: scenario.id,
        seed: log.header.seed,
        events: log.events.length,
        truncated: log.truncated,
        time: "ts and dur are microseconds = modelled cycles / 1000 (1 cycle shows as 1 ns)",
      },
      force,
    );
  } finally {
    t.dispose();
  }
  io.out(
    `trace ${out}: ${total} trace events from ${log.events.length} log events: ${counts.get("X") ?? 0} slices, ${counts.get("s") ?? 0} flows, ${counts.get("i") ?? 0} instants, ${counts.get("C") ?? 0} counter samples, ${scenario.machine.cores} core tracks`,
  );
  if (t.stretched) io.out(`note: ${t.stretched} slices were stretched to nest properly`);
  return EXIT_OK;
}
