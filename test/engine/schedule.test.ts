/** Schedule strings: the short text form of a run's choices that users paste into bug reports. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScheduleSyntaxError, decodeSchedule, encodeSchedule } from "../../src/engine/schedule.js";

/** Picks as runs produce them: mostly small, often repeated, now and then 36 or more. */
const picks = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 40 }) },
    { weight: 1, arbitrary: fc.nat(1_000_000) },
  ),
  { maxLength: 60 },
);

function syntaxError(s: string): ScheduleSyntaxError {
  try {
    decodeSchedule(s);
  } catch (e) {
    expect(e).toBeInstanceOf(ScheduleSyntaxError);
    return e as ScheduleSyntaxError;
  }
  throw new Error(`decodeSchedule(${JSON.stringify(s)}) did not throw`);
}

describe("schedule strings", () => {
  it('reads "0{4}12(14)" as the picks 0, 0, 0, 0, 1, 2, 40', () => {
    expect(decodeSchedule("0{4}12(14)")).toEqual([0, 0, 0, 0, 1, 2, 40]);
  });

  it('writes the picks 0, 0, 0, 0, 1, 2, 40 as "0{4}12(14)"', () => {
    expect(encodeSchedule([0, 0, 0, 0, 1, 2, 40])).toBe("0{4}12(14)");
  });

  it("writes one base-36 digit per pick below 36 and parenthesises larger picks", () => {
    expect(encodeSchedule([10, 35, 36, 1295, 1296])).toBe("az(10)(zz)(100)");
    expect(decodeSchedule("az(10)(zz)(100)")).toEqual([10, 35, 36, 1295, 1296]);
  });

  it("spells out runs of two and compresses runs of three or more", () => {
    expect(encodeSchedule([1, 1])).toBe("11");
    expect(encodeSchedule([1, 1, 1])).toBe("1{3}");
    expect(encodeSchedule([40, 40, 40, 40])).toBe("(14){4}");
  });

  it("encodes no picks as the empty string, and the empty string as no picks", () => {
    expect(encodeSchedule([])).toBe("");
    expect(decodeSchedule("")).toEqual([]);
  });

  it("accepts a repeat count of one and repeats parenthesised picks", () => {
    expect(decodeSchedule("3{1}(10){2}")).toEqual([3, 36, 36]);
  });

  it("decodes what it encodes (round trip)", () => {
    fc.assert(
      fc.property(picks, (p) => {
        expect(decodeSchedule(encodeSchedule(p))).toEqual(p);
      }),
      { numRuns: 500 },
    );
  });

  it("writes only digits, lower-case letters, parentheses and braces", () => {
    fc.assert(
      fc.property(picks, (p) => {
        expect(encodeSchedule(p)).toMatch(/^[0-9a-z(){}]*$/);
      }),
    );
  });

  it("keeps a long run of one pick short", () => {
    expect(encodeSchedule(new Array<number>(1000).fill(1))).toBe("1{1000}");
  });

  it("re-encodes any string it decodes to the same picks (the encoding is canonical)", () => {
    fc.assert(
      fc.property(picks, (p) => {
        const canonical = encodeSchedule(p);
        expect(encodeSchedule(decodeSchedule(canonical))).toBe(canonical);
      }),
    );
  });
});

describe("schedule syntax errors", () => {
  it("names the character position of an unexpected character", () => {
    const e = syntaxError("01#2");
    expect(e.message).toContain("character 3");
    expect(e.message).toContain("'#'");
  });

  it("rejects upper-case digits, at their position", () => {
    expect(syntaxError("0A").message).toContain("character 2");
  });

  it("reports an unclosed parenthesis at the parenthesis", () => {
    expect(syntaxError("12(14").message).toMatch(/character 3: '\(' without '\)'/);
  });

  it("rejects an empty or non-base-36 parenthesised pick", () => {
    expect(syntaxError("0()").message).toContain("character 2");
    expect(syntaxError("(1-2)").message).toContain("character 1");
  });

  it("rejects an unclosed repeat, a zero repeat and a repeat with a leading zero", () => {
    expect(syntaxError("1{3").message).toMatch(/character 2: '\{' without '\}'/);
    expect(syntaxError("01{0}").message).toContain("character 3");
    expect(syntaxError("1{03}").message).toContain("character 2");
    expect(syntaxError("1{}").message).toContain("character 2");
  });

  it("rejects a repeat with nothing before it", () => {
    expect(syntaxError("{3}").message).toContain("character 1");
    expect(syntaxError("1{2}{3}").message).toContain("character 5");
  });

  it("names the position of a stray character inserted anywhere between picks", () => {
    fc.assert(
      fc.property(picks, fc.nat(), fc.constantFrom("#", " ", "-", ")", "}", "A", ","), (p, at, bad) => {
        // One token per pick, so that every token boundary is a place a stray character can go.
        const tokens = p.map((x) => encodeSchedule([x]));
        const k = tokens.length === 0 ? 0 : at % (tokens.length + 1);
        const before = tokens.slice(0, k).join("");
        const s = before + bad + tokens.slice(k).join("");
        expect(syntaxError(s).message).toContain(`character ${before.length + 1}:`);
      }),
    );
  });
});
