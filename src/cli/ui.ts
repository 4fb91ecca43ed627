/** `smpsim ui`: the web time-travel viewer over a log, served on localhost until interrupted. */
import { fileURLToPath } from "node:url";
import { ALLOW_MODULES_HELP, ALLOW_MODULES_OPTION } from "../log/modules.js";
import { openLog, timelineOf } from "../timetravel/open.js";
import { DEFAULT_K } from "../timetravel/snapshots.js";
import { listen, viewerServer } from "../ui/server.js";
import { loadStaticFiles } from "../ui/static-files.js";
import { ViewerModel } from "../ui/viewer-model.js";
import { intOption, parse } from "./args.js";
import type { Catalog } from "./catalog.js";
import { EXIT_OK } from "./errors.js";
import type { Io } from "./io.js";

export const uiHelp = `usage: smpsim ui <log> [--port P] [--host H] [--k K]

Serves a web time-travel viewer for the log and prints its address: a timeline with a lane per core
(and per VM), events as marks, IPIs as arrows to the receiver and back for the ack, context and world
switches as spans; a scrubber and keyboard stepping (left/right, shift for 10, Home/End); each core's
registers, hypervisor state and TLB entries at the current event, with the event that filled each entry
one click away; the changes the event made, highlighted; the violation, when there is one, one click away;
an event list filtered as the debugger's find (type=, core=, va=, asid=, ...) with the next and previous
match (Enter, Shift+Enter); why core N VA and watch EXPR as in the debugger; event numbers and virtual
time (cycles) on the timeline's axis; a density overview of the whole log. Stepping passes over scheduler
choice events unless "choices" is ticked.
The page asks only for what it shows, so a log of millions of events stays responsive.
  --port P   port to listen on (default 7357; 0 picks a free one)
  --host H   address to listen on (default 127.0.0.1: this machine only)
  --k K      events between snapshots (default 1024): a request applies at most K events
${ALLOW_MODULES_HELP}
It runs until interrupted (Ctrl-C) or terminated. A truncated log shows the complete events before its
damaged tail (and says so on stderr). Nothing is fetched from the network: the page is served from the
files \`npm ci\` built.
Exit status: 0 stopped by a signal, 2 bad input (the log, an option, or the port is in use).`;

const DEFAULT_PORT = 7357;
/** Where the build puts the page: dist/ui/, beside dist/src/ that this file compiles into. */
const PAGE_DIR = fileURLToPath(new URL("../../ui/", import.meta.url));

export async function ui(argv: string[], catalog: Catalog, io: Io): Promise<number> {
  const a = parse(
    "ui",
    argv,
    { port: { type: "string" }, host: { type: "string" }, k: { type: "string" }, ...ALLOW_MODULES_OPTION },
    [1],
  );
  if (a.values.help) return (io.out(uiHelp), EXIT_OK);
  const port = intOption("ui", "port", a.values.port, 0, 65535) ?? DEFAULT_PORT;
  const k = intOption("ui", "k", a.values.k, 1, 1_000_000_000);
  const host = typeof a.values.host === "string" && a.values.host ? a.values.host : "127.0.0.1";
  const path = a.positionals[0]!;
  const opened = await openLog(
    path,
    (raw, where) => catalog.check(raw, where),
    a.values["allow-modules"] === true,
    k === undefined ? {} : { k },
  );
  const { log } = opened;
  if (log.truncated)
    io.err(`${path}: log truncated (${log.truncated}); showing the ${log.events.length} complete events before it`);
  const files = loadStaticFiles(PAGE_DIR);
  if (!files.has("/index.html"))
    io.err(`smpsim ui: the page is not built (${PAGE_DIR} has no index.html): run \`npm ci\` or \`npm run build\``);
  const model = new ViewerModel(opened, timelineOf(opened, k ?? DEFAULT_K));
  const running = await listen(viewerServer(model, files, host), port, host);
  io.out(
    `smpsim ui: ${path} (${opened.scenario.id}, ${log.events.length} events${model.meta().violation ? ", with a violation" : ""}) at ${running.url}`,
  );
  io.out("Ctrl-C to stop.");
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void running.close().then(resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    // Started through a wrapper (npx, a script) that is killed without passing the signal on, the
    // server would be orphaned and keep its port: stop when the parent goes away (we are re-parented).
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid !== parent) {
        clearInterval(watch);
        stop();
      }
    }, 500);
    watch.unref();
  });
  return EXIT_OK;
}
