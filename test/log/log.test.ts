/**
 * The log file: the writer never clobbers a file and leaves no temporary behind; the reader loads the
 * valid prefix of a truncated log, names the line of a corrupted one, and on any input at all either
 * returns a log or throws LogError.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeHeader, type LogFooter } from "../../src/log/format.js";
import { LogError, parseLog, readLog } from "../../src/log/reader.js";
import { LogExistsError, LogWriter } from "../../src/log/writer.js";
import { runScenario } from "../../src/run/run-scenario.js";
import { builtin, logTextOf, runWith } from "../support/sim.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "smpsim-log-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const scenario = builtin("tlb-shootdown-munmap");
const header = makeHeader(scenario, 1, "random");
const footer = (events: number): LogFooter => ({ end: { reason: "done", events, stateHash: "0", schedule: "" } });

/** A real log (header, events, footer) and its lines. */
const real = runWith(scenario, { seed: 5 });
const realText = logTextOf(real);
const realLines = realText.split("\n").slice(0, -1);

function logError(f: () => unknown): LogError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LogError);
    return e as LogError;
  }
  throw new Error("no LogError thrown");
}

describe("LogWriter", () => {
  it("writes header, events and footer, and readLog returns them", () => {
    const path = join(dir, "a.log");
    const w = new LogWriter(path, header, false);
    for (const ev of real.events) w.event(ev);
    w.finish(footer(real.events.length), false);
    const log = readLog(path);
    expect(log.header).toEqual(JSON.parse(JSON.stringify(header)));
    expect(log.events).toEqual(real.events);
    expect(log.lines).toEqual(real.lines);
    expect(log.footer).toMatchObject(footer(real.events.length));
    expect(log.footer!.end.header).toMatch(/^[0-9a-f]{16}$/);
    expect(log.truncated).toBeNull();
  });

  it("refuses to overwrite an existing file without force and leaves it unchanged", () => {
    const path = join(dir, "precious.log");
    writeFileSync(path, "precious\n");
    expect(() => new LogWriter(path, header, false)).toThrow(LogExistsError);
    expect(readFileSync(path, "utf8")).toBe("precious\n");
    expect(readdirSync(dir)).toEqual(["precious.log"]);
  });

  it("refuses to replace a file that appeared while the run was writing, and drops its temporary file", () => {
    const path = join(dir, "late.log");
    const w = new LogWriter(path, header, false);
    w.event(real.events[0]!);
    writeFileSync(path, "someone else's\n");
    expect(() => w.finish(footer(1), false)).toThrow(LogExistsError);
    expect(readFileSync(path, "utf8")).toBe("someone else's\n");
    expect(readdirSync(dir)).toEqual(["late.log"]);
  });

  it("replaces an existing file with force", () => {
    const path = join(dir, "old.log");
    writeFileSync(path, "old\n");
    const w = new LogWriter(path, header, true);
    w.finish(footer(0), true);
    expect(readLog(path).footer).toMatchObject(footer(0));
  });

  it("writes to a temporary file and renames it into place only when finished", () => {
    const path = join(dir, "b.log");
    const w = new LogWriter(path, header, false);
    for (const ev of real.events) w.event(ev);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toHaveLength(1);
    w.finish(footer(real.events.length), false);
    expect(readdirSync(dir)).toEqual(["b.log"]);
  });

  it("leaves nothing behind when a run is abandoned", () => {
    const w = new LogWriter(join(dir, "c.log"), header, false);
    w.event(real.events[0]!);
    w.abandon();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("leaves no file when the run fails (a schedule that does not fit)", async () => {
    const path = join(dir, "d.log");
    await expect(
      runScenario({ scenario, baseDir: dir, seed: 1, strategy: "random", schedule: "(zz)", log: { path, force: false } }),
    ).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("throws LogError naming the target when its directory does not exist", () => {
    const path = join(dir, "nowhere", "e.log");
    const e = logError(() => new LogWriter(path, header, false));
    expect(e.message).toContain(path);
    expect(e.message).toContain("ENOENT");
  });

  it("throws LogError and leaves nothing behind when the target cannot be replaced (a directory)", () => {
    const path = join(dir, "sub");
    mkdirSync(path);
    const w = new LogWriter(path, header, true);
    expect(logError(() => w.finish(footer(0), true)).message).toContain(path);
    expect(readdirSync(dir)).toEqual(["sub"]);
  });

  it("streams a big log through its buffer without losing or reordering lines", () => {
    const big = runWith(builtin("default"), { seed: 2 });
    const path = join(dir, "big.log");
    const w = new LogWriter(path, makeHeader(big.scenario, 2, "random"), false);
    for (const ev of big.events) w.event(ev);
    w.finish(footer(big.events.length), false);
    expect(readLog(path).lines).toEqual(big.lines);
  });
});

describe("reading a truncated log", () => {
  const headerEnd = realText.indexOf("\n") + 1;
  /** Offsets at which each event line starts. */
  const starts = realLines.slice(1).reduce<number[]>((acc, l) => [...acc, acc.at(-1)! + l.length + 1], [headerEnd]);

  it("loads the complete events before a line cut in the middle and reports the truncation", () => {
    fc.assert(
      fc.property(fc.nat(real.events.length - 1), fc.double({ min: 0.05, max: 0.95, noNaN: true }), (k, f) => {
        const line = realLines[k + 1]!;
        const cut = starts[k]! + Math.max(1, Math.floor(f * (line.length - 1)));
        const log = parseLog(realText.slice(0, cut), "cut.log");
        expect(log.events).toEqual(real.events.slice(0, k));
        expect(log.footer).toBeNull();
        expect(log.truncated).toMatch(new RegExp(`line ${k + 2}`));
      }),
      { numRuns: 100 },
    );
  });

  it("reports a log that ends after a complete line but without its footer", () => {
    const k = 30;
    const log = parseLog(realText.slice(0, starts[k]), "cut.log");
    expect(log.events).toEqual(real.events.slice(0, k));
    expect(log.truncated).toMatch(/without its footer/);
    expect(log.truncated).toContain(`#${k - 1}`);
  });

  it("does not trust the last event line when its line end is missing", () => {
    const k = 12;
    const log = parseLog(realText.slice(0, starts[k + 1]! - 1), "cut.log");
    expect(log.events).toEqual(real.events.slice(0, k));
    expect(log.truncated).toMatch(/no line end/);
  });

  it("loads every event when only the footer is cut", () => {
    const log = parseLog(realText.slice(0, realText.length - 10), "cut.log");
    expect(log.events).toEqual(real.events);
    expect(log.truncated).not.toBeNull();
  });

  it("reports a log with a header and nothing else as truncated, with no events", () => {
    const log = parseLog(realText.slice(0, headerEnd), "empty.log");
    expect(log.events).toEqual([]);
    expect(log.truncated).toMatch(/after the header/);
  });

  it("reads the truncated log file from disk the same way", () => {
    const path = join(dir, "t.log");
    writeFileSync(path, realText.slice(0, starts[20]! + 7));
    const log = readLog(path);
    expect(log.events).toHaveLength(20);
    expect(log.truncated).not.toBeNull();
  });
});

describe("reading a damaged log", () => {
  const withLine = (n: number, text: string): string => {
    const l = realLines.slice();
    l[n - 1] = text;
    return l.join("\n") + "\n";
  };

  it("throws LogError naming the line when a line in the middle is not JSON", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: realLines.length - 1 }), (n) => {
        const e = logError(() => parseLog(withLine(n, "garbage{{"), "bad.log"));
        expect(e.message).toContain(`bad.log: line ${n}:`);
      }),
      { numRuns: 30 },
    );
  });

  it("throws LogError naming the line when an event is missing or out of order", () => {
    const l = realLines.slice();
    l.splice(10, 1);
    expect(logError(() => parseLog(l.join("\n") + "\n", "gap.log")).message).toContain("line 11");
    const swapped = realLines.slice();
    [swapped[5], swapped[6]] = [swapped[6]!, swapped[5]!];
    expect(logError(() => parseLog(swapped.join("\n") + "\n", "swap.log")).message).toContain("line 6");
  });

  it("throws LogError when the footer's event count disagrees with the log", () => {
    // Drop the last event (seqs stay contiguous) but keep the footer that counted it.
    const cut = [...realLines.slice(0, -2), realLines.at(-1)!];
    expect(logError(() => parseLog(cut.join("\n") + "\n", "count.log")).message).toMatch(/footer says \d+ events/);
  });

  it("throws LogError for a footer in the middle", () => {
    const l = realLines.slice();
    l.splice(5, 0, realLines.at(-1)!);
    expect(logError(() => parseLog(l.join("\n") + "\n", "mid.log")).message).toContain("line 6");
  });

  it("rejects a file that is not a smpsim log, or another format version, at line 1", () => {
    const body = realLines.slice(1).join("\n") + "\n";
    for (const h of [
      "not json",
      JSON.stringify({ ...header, format: "other" }),
      JSON.stringify({ ...header, version: 2 }),
      JSON.stringify({ ...header, config: null }),
      "null",
      "[]",
      "42",
    ]) {
      expect(logError(() => parseLog(h + "\n" + body, "h.log")).message, h).toMatch(/^h\.log: line 1: /);
    }
    expect(logError(() => parseLog(JSON.stringify({ ...header, version: 2 }) + "\n", "v.log")).message).toMatch(/version 2/);
  });

  it("rejects an empty file and a file cut inside its header", () => {
    expect(logError(() => parseLog("", "e.log")).message).toContain("line 1");
    expect(logError(() => parseLog(realText.slice(0, 50), "e.log")).message).toContain("line 1");
  });

  it("rejects a footer whose end is not an object", () => {
    expect(logError(() => parseLog(`${realLines[0]}\n{"end":null}\n`, "f.log")).message).toContain("line 2");
    expect(() => parseLog(`${realLines[0]}\n{"end":7}\n`, "f.log")).toThrow(LogError);
  });

  it("names the file when it cannot be read", () => {
    const missing = join(dir, "missing.log");
    expect(logError(() => readLog(missing)).message).toContain(missing);
  });
});
