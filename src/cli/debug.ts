/** `smpsim debug`: the time-travel debugger over a log, at a prompt or with `--eval "cmd; cmd"`. */
import { createInterface } from "node:readline";
import { ALLOW_MODULES_HELP, ALLOW_MODULES_OPTION } from "../log/modules.js";
import { appendFileSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { openLog, timelineOf } from "../timetravel/open.js";
import { DEFAULT_K } from "../timetravel/snapshots.js";
import { ScanInterrupted } from "../timetravel/scan.js";
import { parse, intOption } from "./args.js";
import type { Catalog } from "./catalog.js";
import { DebugSession } from "./debug/session.js";
import { EXIT_BAD_INPUT, EXIT_OK, isInputError } from "./errors.js";
import type { Io } from "./io.js";

export const debugHelp = `usage: smpsim debug <log> [--eval "goto 120; tlb 1; back; why 1 0x8000"] [--k K]

A time-travel debugger over a log: go to any event, step forwards and backwards, look at every core's
registers and TLB, ask why a core translates a VA as it does, diff two points, find events, watch a
value change. Without --eval it reads commands at a prompt (history with the arrow keys; \`help\`).
  --eval CMDS   run the commands (separated by ; or newlines), print what they print, and exit:
                0 when every command ran, 2 at the first one that is not understood
  --k K         events between snapshots (default 1024): a seek applies at most K events
${ALLOW_MODULES_HELP}
  --json        for scripts: with --eval one JSON object {"log","results":[{"command","at","event",
                "output"} or {"command","error"}]}; at the prompt one such result per line
At the prompt: an empty line repeats the last command, Ctrl-C interrupts a running command (a long
next, prev, find or watch: the cursor stays) or abandons the line being typed (quit or Ctrl-D leaves), and the history persists in ~/.smpsim_history (SMPSIM_HISTORY=FILE, or empty for none).
\`step\` and \`back\` step over scheduler choice events (\`choices on\` stops on them).
A truncated log loads the complete events before its damaged tail (and says so on stderr).
Exit status: 0 ok, 2 bad input (the log, or a command with --eval).`;

export async function debug(argv: string[], catalog: Catalog, io: Io): Promise<number> {
  const a = parse(
    "debug",
    argv,
    { eval: { type: "string" }, k: { type: "string" }, json: { type: "boolean" }, ...ALLOW_MODULES_OPTION },
    [1],
  );
  if (a.values.help) return (io.out(debugHelp), EXIT_OK);
  const k = intOption("debug", "k", a.values.k, 1, 1_000_000_000);
  const path = a.positionals[0]!;
  const opened = await openLog(
    path,
    (raw, where) => catalog.check(raw, where),
    a.values["allow-modules"] === true,
    k === undefined ? {} : { k },
  );
  const { log } = opened;
  if (log.truncated)
    io.err(`${path}: log truncated (${log.truncated}); loaded the ${log.events.length} complete events before it`);
  const timeline = timelineOf(opened, k ?? DEFAULT_K);
  // A log that ends in a violation (a counterexample) opens at the violating event: that is what it is
  // opened for. `goto start` goes back to the beginning.
  const violation = log.violation;
  if (violation) {
    timeline.seek(violation.seq + 1);
    io.err(`${path}: opened at the violation, event #${violation.seq} (\`goto start\` for the beginning)`);
  }
  const session = new DebugSession(timeline, opened.scenario);
  const script = a.values.eval;
  const json = Boolean(a.values.json);
  if (typeof script === "string") return json ? evalJson(session, script, path, io) : evalScript(session, script, io);
  if (!json)
    io.out(
      `smpsim debug: ${path}: scenario ${opened.scenario.id}, seed ${log.header.seed}, ${log.events.length} events${log.truncated ? " (truncated)" : ""}, ${opened.scenario.machine.cores} cores. \`help\` lists the commands.`,
    );
  return interactive(session, io, json);
}

/** One command's result for --json: where the cursor is after it and the lines it printed. */
function jsonResult(session: DebugSession, cmd: string): object;
function jsonResult(session: DebugSession, cmd: string, execute: (cmd: string) => Promise<string[]>): Promise<object>;
function jsonResult(session: DebugSession, cmd: string, execute?: (cmd: string) => Promise<string[]>): object | Promise<object> {
  const done = (output: string[]): object => {
    const p = session.position;
    return { command: cmd, at: p > 0 ? p - 1 : null, event: p > 0 ? session.events.at(p - 1) : null, output };
  };
  const failed = (e: unknown): object => {
    if (e instanceof ScanInterrupted) return { command: cmd, error: "interrupted", interrupted: true };
    if (!isInputError(e)) throw e;
    return { command: cmd, error: e.message.replace(/\s*\n\s*/g, " ") };
  };
  try {
    return execute ? execute(cmd).then(done, failed) : done(session.run(cmd));
  } catch (e) {
    return failed(e);
  }
}

function evalJson(session: DebugSession, script: string, path: string, io: Io): number {
  const results: object[] = [];
  for (const cmd of script
    .split(/[;\n]/)
    .map((c) => c.trim())
    .filter(Boolean)) {
    const r = jsonResult(session, cmd);
    results.push(r);
    if ("error" in r || session.quit) break;
  }
  io.out(JSON.stringify({ log: path, results }));
  return results.some((r) => "error" in r) ? EXIT_BAD_INPUT : EXIT_OK;
}

/** Where the prompt's history lives across sessions: SMPSIM_HISTORY, else ~/.smpsim_history; "" keeps none. */
function historyFile(): string | null {
  const env = process.env.SMPSIM_HISTORY;
  if (env !== undefined) return env === "" ? null : env;
  return join(homedir(), ".smpsim_history");
}

function loadHistory(file: string | null): string[] {
  if (!file) return [];
  try {
    // readline wants the most recent first.
    return readFileSync(file, "utf8").split("\n").filter(Boolean).slice(-1000).reverse();
  } catch {
    return [];
  }
}

/** Runs each command, echoing it after the prompt as a transcript would show it. */
function evalScript(session: DebugSession, script: string, io: Io): number {
  const cmds = script
    .split(/[;\n]/)
    .map((c) => c.trim())
    .filter(Boolean);
  for (const cmd of cmds) {
    io.out(`${session.prompt()}${cmd}`);
    try {
      for (const line of session.run(cmd)) io.out(line);
    } catch (e) {
      if (!isInputError(e)) throw e;
      io.err(`smpsim: debug: ${cmd}: ${e.message.replace(/\s*\n\s*/g, " ")}`);
      return EXIT_BAD_INPUT;
    }
    if (session.quit) break;
  }
  return EXIT_OK;
}

async function interactive(session: DebugSession, io: Io, json: boolean): Promise<number> {
  const names = [
    "goto",
    "step",
    "back",
    "next",
    "prev",
    "state",
    "core",
    "tlb",
    "why",
    "diff",
    "find",
    "watch",
    "where",
    "choices",
    "help",
    "quit",
  ];
  const file = historyFile();
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    // isTTY is undefined, not false, when stdin is not a terminal (its type says boolean).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion
    terminal: Boolean(process.stdin.isTTY),
    historySize: 1000,
    history: loadHistory(file),
    completer: (line: string): [string[], string] => {
      const hits = names.filter((n) => n.startsWith(line.trim()));
      return [hits.length ? hits : names, line];
    },
  });
  // Commands piped in (not a terminal) get their output without prompts in between.
  const prompt = (): void => {
    if (!process.stdin.isTTY) return;
    rl.setPrompt(session.prompt());
    rl.prompt();
  };
  // Ctrl-C interrupts a running command (a search over a long log) and returns to the prompt, with the
  // cursor where it was; at the prompt it abandons the line being typed. It never leaves the debugger
  // (gdb, a shell). On a terminal readline reads it as a key; with commands piped in it comes as a signal.
  let running = false;
  let interrupted = false;
  const onCtrlC = (): void => {
    if (running) {
      interrupted = true;
      return;
    }
    if (!process.stdin.isTTY) process.exit(130);
    rl.write("", { ctrl: true, name: "u" });
    io.out("^C (quit or Ctrl-D leaves)");
    prompt();
  };
  rl.on("SIGINT", onCtrlC);
  process.on("SIGINT", onCtrlC);
  const execute = async (line: string): Promise<string[]> => {
    running = true;
    interrupted = false;
    try {
      return await session.runInterruptibly(line, () => interrupted);
    } finally {
      running = false;
    }
  };
  prompt();
  let last = "";
  for await (const typed of rl) {
    // An empty line repeats the last command (gdb): `step` then Enter, Enter, ...
    const line = typed.trim() === "" ? last : typed;
    if (typed.trim() !== "") {
      last = typed;
      if (file) {
        try {
          appendFileSync(file, typed.replace(/\n/g, " ") + "\n");
        } catch {
          // A history that cannot be written is not worth stopping the session for.
        }
      }
    }
    if (json) {
      if (line.trim() !== "") io.out(JSON.stringify(await jsonResult(session, line, execute)));
    } else {
      try {
        for (const out of await execute(line)) io.out(out);
      } catch (e) {
        if (e instanceof ScanInterrupted) io.err(`interrupted: ${line.trim()} (still at ${session.prompt().trim()})`);
        else if (!isInputError(e)) throw e;
        else io.err(`error: ${e.message}`);
      }
    }
    if (session.quit) break;
    prompt();
  }
  process.off("SIGINT", onCtrlC);
  rl.close();
  return EXIT_OK;
}
