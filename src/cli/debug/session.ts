/**
 * One debugging session over a timeline: parses a command, moves the cursor or renders a view, and
 * returns the lines to print. The same object serves the interactive prompt and `--eval`. Event numbers
 * are the log's sequence numbers; "at #N" means the state after event N (timeline position N + 1).
 */
import type { EventList } from "../../log/event-list.js";
import type { Scenario } from "../../scenario/types.js";
import { parseNumber } from "../../timetravel/predicate.js";
import { finish, finishAsync, type Scan } from "../../timetravel/scan.js";
import type { Timeline } from "../../timetravel/timeline.js";
import { UsageError } from "../errors.js";
import { diffView, whyView } from "./change-views.js";
import { whyReadView } from "./why-read.js";
import { eventLine, positionText } from "../../views/format.js";
import { HELP, helpFor } from "./help.js";
import { coreView, stateView, tlbView } from "../../views/machine-views.js";
import { eventWindow } from "./window.js";

/** A command the debugger cannot run: `--eval` stops with exit 2, the prompt says why and goes on. */
export class DebugCommandError extends UsageError {}

/** Events listed by `find`, and events echoed by `step`, before the rest is summed up. */
const FIND_LIMIT = 20;
const ECHO_LIMIT = 12;

/** A command's lines; a long one (a search over the log) as a scan the prompt can interrupt. */
type Handler = (args: string[]) => string[] | Scan<string[]>;

export class DebugSession {
  quit = false;
  /** Whether step and back stop on scheduler `choice` events too (off: they step over them). */
  showChoices = false;
  private readonly commands: Record<string, Handler>;

  constructor(
    private readonly tl: Timeline,
    scenario: Scenario,
  ) {
    const nav = (to: number, echo = false): string[] => this.moveTo(to, echo);
    this.commands = {
      goto: (a) => nav(this.positionArg(this.one(a, "goto N"), "goto")),
      step: (a) => nav(this.stepped(this.countArg(a, "step"), 1), true),
      back: (a) => nav(this.stepped(this.countArg(a, "back"), -1)),
      choices: (a) => this.choices(a),
      next: (a) => this.search(a, 1),
      prev: (a) => this.search(a, -1),
      state: (a) => (this.none(a, "state"), [this.here(), ...stateView(this.tl.current, scenario)]),
      core: (a) => [this.here(), ...coreView(this.tl.current, this.coreArg(this.one(a, "core N")), scenario)],
      tlb: (a) => [this.here(), ...tlbView(this.tl.current, this.coreArg(this.one(a, "tlb N")), scenario)],
      why: (a) => this.why(a),
      diff: (a) => this.diff(a),
      find: (a) => this.find(a),
      watch: (a) => this.watch(a),
      where: (a) => this.where(a),
      help: (a) => (a.length ? helpFor(a[0]!) : HELP),
      quit: () => ((this.quit = true), []),
    };
    Object.assign(this.commands, {
      g: this.commands.goto,
      s: this.commands.step,
      b: this.commands.back,
      n: this.commands.next,
      p: this.commands.prev,
      w: this.commands.where,
      q: this.commands.quit,
      exit: this.commands.quit,
    });
  }

  /** The timeline position: the state after event position - 1 (0 is the start). */
  get position(): number {
    return this.tl.position;
  }

  get events(): EventList {
    return this.tl.events;
  }

  /** The prompt: where the cursor is. */
  prompt(): string {
    const p = this.tl.position;
    const ev = p > 0 ? this.events.at(p - 1)! : null;
    return ev ? `(#${ev.seq} ${ev.core < 0 ? "machine" : `c${ev.core}`} ${ev.type}) ` : "(start) ";
  }

  /** Runs one command line; throws DebugCommandError when it is not a command this debugger knows how to run. */
  run(line: string): string[] {
    return this.command(line, (r) => (Array.isArray(r) ? r : finish(r)));
  }

  /**
   * As `run`, giving the event loop a turn every few thousand events of a long search; when `stop()`
   * turns true (Ctrl-C) it throws ScanInterrupted and the cursor stays where it was.
   */
  async runInterruptibly(line: string, stop: () => boolean): Promise<string[]> {
    return this.command(line, (r) => (Array.isArray(r) ? r : finishAsync(r, stop)));
  }

  private command<T>(line: string, drive: (r: string[] | Scan<string[]>) => T): T | string[] {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    const [name, ...args] = words;
    const cmd = Object.hasOwn(this.commands, name!) ? this.commands[name!] : undefined;
    if (!cmd)
      throw new DebugCommandError(
        `unknown command "${name}" (commands: ${Object.keys(this.commands)
          .filter((c) => c.length > 1 && c !== "exit")
          .join(", ")}; help explains them)`,
      );
    const named = (e: unknown): Error => {
      if (!(e instanceof Error) || e instanceof DebugCommandError) return e as Error;
      const tag = (e as { _tag?: string })._tag;
      if (e instanceof RangeError || tag === "UsageError") return new DebugCommandError(`${name}: ${e.message}`);
      return e;
    };
    try {
      const out = drive(cmd(args));
      // A scan's errors come when it is driven, possibly later (a promise).
      return out instanceof Promise
        ? (out.catch((e: unknown) => {
            throw named(e);
          }) as T)
        : out;
    } catch (e) {
      throw named(e);
    }
  }

  // ---- arguments -----------------------------------------------------------------------------

  private one(a: string[], usage: string): string {
    if (a.length !== 1) throw new DebugCommandError(`usage: ${usage}`);
    return a[0]!;
  }

  private none(a: string[], cmd: string): void {
    if (a.length) throw new DebugCommandError(`${cmd} takes no arguments`);
  }

  /** An event number (or start / end) as a timeline position. */
  private positionArg(w: string, cmd: string): number {
    if (w === "start") return 0;
    if (w === "end" || w === "$") return this.tl.length;
    const n = parseNumber(w, cmd);
    if (n >= this.tl.length) throw new DebugCommandError(`${cmd}: no event #${n} (the log has #0 to #${this.tl.length - 1})`);
    return n + 1;
  }

  private countArg(a: string[], cmd: string): number {
    if (a.length > 1) throw new DebugCommandError(`usage: ${cmd} [K]`);
    return a.length ? parseNumber(a[0]!, cmd) : 1;
  }

  private coreArg(w: string): number {
    const n = parseNumber(w, "core");
    if (n >= this.tl.current.cores.length)
      throw new DebugCommandError(`no core ${n} (the machine has cores 0 to ${this.tl.current.cores.length - 1})`);
    return n;
  }

  private label(position: number): string {
    return position === 0 ? "start" : `#${position - 1}`;
  }

  private here(): string {
    return positionText(this.tl.position, this.tl.length, this.events);
  }

  // ---- commands ------------------------------------------------------------------------------

  /**
   * The position K events away, counting only events that are not scheduler choices unless
   * `choices on` (a choice only says which core moved next; stepping onto one shows nothing new).
   * Past either end it is out of range, and moveTo says it stopped there.
   */
  private stepped(k: number, dir: 1 | -1): number {
    let p = this.tl.position;
    if (this.showChoices) return p + dir * k;
    for (let left = k; left > 0;) {
      const next = p + dir;
      if (next < 0) return -1;
      if (next > this.tl.length) return this.tl.length + 1;
      p = next;
      if (p === 0 || this.events.at(p - 1)!.type !== "choice") left--;
    }
    return p;
  }

  private choices(a: string[]): string[] {
    if (a.length > 1 || (a.length === 1 && a[0] !== "on" && a[0] !== "off"))
      throw new DebugCommandError("usage: choices [on|off]");
    if (a.length === 1) this.showChoices = a[0] === "on";
    return [
      `choices ${this.showChoices ? "on: step and back stop on scheduler choice events too" : "off: step and back step over scheduler choice events"}`,
    ];
  }

  private moveTo(to: number, echo: boolean): string[] {
    const from = this.tl.position;
    this.tl.seek(to);
    const now = this.tl.position;
    const out: string[] = [];
    if (echo && now - from > 1) {
      const passed = this.events.slice(from, now - 1).filter((e) => e.type !== "choice");
      for (const e of passed.slice(-ECHO_LIMIT)) out.push(`  ${eventLine(e)}`);
      if (passed.length > ECHO_LIMIT) out.unshift(`  (${passed.length - ECHO_LIMIT} earlier events not shown)`);
    }
    out.push(this.here());
    if (to < 0) out.push("(stopped at the start)");
    else if (to > this.tl.length) out.push("(stopped at the end of the log)");
    return out;
  }

  private *search(a: string[], dir: 1 | -1): Scan<string[]> {
    if (!a.length) throw new DebugCommandError(`usage: ${dir > 0 ? "next" : "prev"} <event-type | core N | key=value ...>`);
    const pred = this.tl.predicate(a.join(" "));
    const cur = this.tl.position - 1;
    const [hit] = yield* this.tl.scanFind(pred, dir > 0 ? cur + 1 : cur - 1, dir, 1);
    if (hit === undefined) return [`no ${dir > 0 ? "later" : "earlier"} event matches "${a.join(" ")}"`, this.here()];
    return this.moveTo(hit + 1, false);
  }

  private why(a: string[]): string[] {
    if (a.length !== 2)
      throw new DebugCommandError(
        "usage: why N VA | why N VAR   (core N, VA in hex, e.g. why 1 0x8000; or a shared variable: why 0 kvm_vmid_gen)",
      );
    const core = this.coreArg(a[0]!);
    // A shared variable's name (not a number): which write core N's last read of it took.
    if (!/^(0x[0-9a-f]+|\d+)$/i.test(a[1]!)) return whyReadView(this.events, this.tl.position, core, a[1]!);
    const va = parseNumber(a[1]!, "why: VA");
    return whyView(this.tl.why(this.tl.position, core, va), `at ${this.label(this.tl.position)}`);
  }

  private diff(a: string[]): string[] {
    if (a.length < 1 || a.length > 2)
      throw new DebugCommandError(
        "usage: diff A B   (the state after event A against the state after event B; diff A: against the current event)",
      );
    const from = this.positionArg(a[0]!, "diff");
    const to = a.length === 2 ? this.positionArg(a[1]!, "diff") : this.tl.position;
    return diffView(this.tl.diff(from, to), this.label(from), this.label(to));
  }

  private *find(a: string[]): Scan<string[]> {
    if (!a.length)
      throw new DebugCommandError(
        "usage: find type=... core=N va=0x... asid=[gen:]N (any of them; also mm= task= var= lock= ipi=)",
      );
    const all = yield* this.tl.scanFind(this.tl.predicate(a.join(" ")));
    const cur = this.tl.position - 1;
    // A window of matches from the current event on, moved back when too few are left after it.
    const first = all.findIndex((s) => s >= cur);
    const from = Math.max(0, Math.min(first < 0 ? all.length : first, all.length - FIND_LIMIT));
    const shown = all.slice(from, from + FIND_LIMIT);
    const head = `find ${a.join(" ")}: ${all.length} event${all.length === 1 ? "" : "s"}`;
    if (!shown.length) return [head];
    const out = [
      shown.length < all.length ? `${head}; showing ${shown.length}, #${shown[0]} to #${shown[shown.length - 1]}:` : `${head}:`,
    ];
    for (const s of shown) out.push(`${s === cur ? "▶" : " "} ${eventLine(this.events.at(s)!)}`);
    return out;
  }

  private *watch(a: string[]): Scan<string[]> {
    const backward = a[0] === "-b" || a[0] === "back";
    const rest = backward ? a.slice(1) : a;
    if (!rest.length)
      throw new DebugCommandError("usage: watch [-b] EXPR   (e.g. watch cpu_last_asid, watch core 1 asid, watch -b tlb 1 size)");
    const expr = this.tl.watchExpr(rest.join(" "));
    const p = this.tl.position;
    // Both directions skip the current event: from there, watching again goes on to the next change.
    const hit = backward
      ? p > 0
        ? yield* this.tl.scanWatchBackward(expr, p - 1)
        : null
      : yield* this.tl.scanWatchForward(expr, p);
    if (!hit)
      return [
        `watch ${expr.text}: no ${backward ? "earlier" : "later"} change (it is ${expr.read(this.tl.current)})`,
        this.here(),
      ];
    return [`watch ${expr.text}: ${hit.from} → ${hit.to}, changed by #${hit.seq}`, ...this.moveTo(hit.position, false)];
  }

  private where(a: string[]): string[] {
    const rows = a.length ? parseNumber(this.one(a, "where [ROWS]"), "where") : 8;
    const cores = this.tl.current.cores.length;
    return [this.here(), ...eventWindow(this.events, cores, this.tl.position - 1, { before: rows, after: rows })];
  }
}
