/** The `smpsim` command: dispatch, help, and the mapping from outcomes to exit codes. */
import type { Catalog } from "./catalog.js";
import { EXIT_BAD_INPUT, EXIT_INTERNAL, UsageError, isInputError } from "./errors.js";
import { processIo, type Io } from "./io.js";
import { didYouMean } from "./did-you-mean.js";
import { toolVersion } from "../log/tool-version.js";

export const mainHelp = `usage: smpsim <command> [options]

A deterministic, event-sourced simulator of a multi-core ARM machine's memory management.

commands:
  list                          built-in scenarios, one line each
  show <scenario>               a scenario as JSON (defaults filled in, hex addresses), to edit
  run <scenario> [options]      run a scenario, check invariants after every event, write a log
  replay <log> [--verify]       fold a log back into states; --verify re-executes and compares
  explore <scenario> [options]  search interleavings (random, pct, dfs, dpor) for a violation
  worker --queue URL            run units of explore --queue searches (other machines too)
  debug <log> [--eval CMDS]     time-travel debugger: goto, step, back, tlb, why, diff, watch, ...
  trace <log> -o FILE           Chrome trace / Perfetto JSON: a track per core, flows for IPIs
  compare <a> <b> [--seed N]    two scenarios' cost-model figures side by side, same seed
  ui <log> [--port P]           web time-travel viewer on 127.0.0.1 (timeline, TLBs, diffs)
  litmus FILE|DIR... [--json]   decide AArch64 litmus tests (herd7 format) under the ARMv8 model

\`smpsim help <command>\` (or \`smpsim <command> --help\`) describes each; \`smpsim --version\` prints
the version. Exit status: 0 ok, 1 invariant violated or replay diverged, 2 bad input or usage (with a one-line reason on stderr).`;

type Command = (argv: string[], catalog: Catalog, io: Io) => number | Promise<number>;
// Each command's module is loaded when it is run: `debug` on a large log then does not carry the
// queue client (BullMQ, ioredis: several MB of code) in a small heap, and every start is faster.
const COMMANDS: Record<string, () => Promise<Command>> = {
  list: async () => (await import("./list.js")).list,
  show: async () => (await import("./show.js")).show,
  run: async () => (await import("./run.js")).run,
  replay: async () => (await import("./replay.js")).replay,
  explore: async () => (await import("./explore.js")).exploreCommand,
  worker: async () => (await import("./worker.js")).workerCommand,
  debug: async () => (await import("./debug.js")).debug,
  trace: async () => (await import("./trace.js")).trace,
  ui: async () => (await import("./ui.js")).ui,
  compare: async () => (await import("./compare.js")).compare,
  litmus: async () => (await import("./litmus.js")).litmus,
};

export async function main(argv: string[], catalog: Catalog, io: Io = processIo): Promise<number> {
  const [first, ...after] = argv;
  if (first === "--version" || first === "-V") return (io.out(`smpsim ${toolVersion()}`), 0);
  // `smpsim help run` is `smpsim run --help`, as in git and npm.
  const [cmd, rest] = first === "help" && after.length > 0 ? [after[0]!, ["--help"]] : [first, after];
  if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
    io.out(mainHelp);
    return cmd === undefined ? EXIT_BAD_INPUT : 0;
  }
  try {
    // Own names only: `smpsim constructor` is an unknown command, not Object's constructor.
    if (!Object.hasOwn(COMMANDS, cmd)) {
      const names = Object.keys(COMMANDS);
      const option = cmd.startsWith("-");
      const hint = didYouMean(cmd, option ? ["--version", "--help"] : names);
      throw new UsageError(
        `unknown ${option ? "option" : "command"} "${cmd}"${hint} (commands: ${names.join(", ")}; see smpsim --help)`,
      );
    }
    const command = await COMMANDS[cmd]!();
    return await command(rest, catalog, io);
  } catch (e) {
    if (isInputError(e)) {
      // One line, whatever the message carries (V8's JSON errors quote the source, newlines and all).
      io.err(`smpsim: ${e.message.replace(/\s*\n\s*/g, " ")}`);
      return EXIT_BAD_INPUT;
    }
    io.err(`smpsim: internal error (a bug in smpsim, please report it): ${(e as Error).stack ?? String(e)}`);
    return EXIT_INTERNAL;
  }
}
