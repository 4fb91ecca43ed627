/**
 * The log reader on arbitrary input (fast-check): it returns a consistent log or throws LogError, never
 * anything else; and the tool version recorded in the header.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeHeader } from "../../src/log/format.js";
import { LogError, parseLog, type LoadedLog } from "../../src/log/reader.js";
import { builtin, logTextOf, runWith } from "../support/sim.js";

const scenario = builtin("tlb-shootdown-munmap");

/** A real log (header, events, footer) and its lines. */
const real = runWith(scenario, { seed: 5 });
const realText = logTextOf(real);
const realLines = realText.split("\n").slice(0, -1);

/** Whatever parseLog returns must be self-consistent. */
function checkLoaded(log: LoadedLog): void {
  expect(log.lines.length).toBe(log.events.length);
  log.events.forEach((e, i) => expect(e.seq).toBe(i));
  if (log.footer) {
    expect(log.truncated).toBeNull();
    expect(log.footer.end.events).toBe(log.events.length);
  } else expect(typeof log.truncated).toBe("string");
}

describe("the reader on arbitrary input", () => {
  /** Returns normally or throws LogError, and anything it returns is consistent. */
  const loadsOrLogError = (text: string): void => {
    let log: LoadedLog;
    try {
      log = parseLog(text, "fuzz.log");
    } catch (e) {
      if (!(e instanceof LogError)) throw e;
      return;
    }
    checkLoaded(log);
  };

  it("returns or throws LogError for random text", () => {
    const line = fc.oneof(fc.string(), fc.json(), fc.constant(realLines[0]!), fc.constantFrom(...realLines.slice(1)));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary" }),
          fc.array(line, { maxLength: 8 }).map((l) => l.join("\n")),
        ),
        loadsOrLogError,
      ),
      { numRuns: 300 },
    );
  });

  it("returns or throws LogError for a real log with random damage", () => {
    const edit = fc.oneof(
      // Overwrite a span with random text.
      fc.tuple(fc.nat(), fc.nat(40), fc.string({ unit: "binary", maxLength: 20 })).map(
        ([at, len, s]) =>
          (t: string) =>
            t.slice(0, at % (t.length + 1)) + s + t.slice((at % (t.length + 1)) + len),
      ),
      // Replace a whole line with any JSON value (null, a number, {"end": ...}, ...).
      fc
        .tuple(fc.nat(), fc.oneof(fc.json(), fc.constant('{"end":null}'), fc.constant('{"end":{}}'), fc.constant("null")))
        .map(([at, j]) => (t: string) => {
          const l = t.split("\n");
          l[at % l.length] = j;
          return l.join("\n");
        }),
      // Duplicate or drop a line.
      fc.tuple(fc.nat(), fc.boolean()).map(([at, dup]) => (t: string) => {
        const l = t.split("\n");
        const i = at % l.length;
        if (dup) l.splice(i, 0, l[i]!);
        else l.splice(i, 1);
        return l.join("\n");
      }),
      // Cut anywhere.
      fc.nat().map((at) => (t: string) => t.slice(0, at % (t.length + 1))),
    );
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        loadsOrLogError(edits.reduce((t, f) => f(t), realText));
      }),
      { numRuns: 500 },
    );
  });

  it("loads a prefix of the original events from any cut of a real log", () => {
    const headerEnd = realText.indexOf("\n") + 1;
    fc.assert(
      fc.property(fc.integer({ min: headerEnd, max: realText.length }), (cut) => {
        const log = parseLog(realText.slice(0, cut), "cut.log");
        expect(log.events).toEqual(real.events.slice(0, log.events.length));
        // Only the footer's own line end may be missing for the log to count as complete.
        expect(log.truncated === null).toBe(cut >= realText.length - 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe("the tool version in the header", () => {
  it("records the smpsim version that wrote the log, after the format version", () => {
    const h = makeHeader(scenario, 1, "random");
    expect(h.toolVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(h).slice(0, 3)).toEqual(["format", "version", "toolVersion"]);
  });
});
