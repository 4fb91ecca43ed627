/**
 * The litmus suite: every test under test/litmus/ gets the ARMv8 verdict listed in expected.txt
 * (checked against herd7 7.56.3 with aarch64.cat; see the README's "Litmus tests").
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseLitmus } from "../../src/litmus/parse.js";
import { runLitmus } from "../../src/litmus/run-test.js";

const dir = dirname(fileURLToPath(import.meta.url));
const expected = new Map(
  readFileSync(join(dir, "expected.txt"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => l.split(/\s+/) as [string, string]),
);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".litmus"))
  .sort();

describe("litmus verdicts under ARMv8", () => {
  it("has an expected verdict for every litmus file, and at least 40 of them", () => {
    expect(files.map((f) => f.replace(/\.litmus$/, "")).sort()).toEqual([...expected.keys()].sort());
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files)("%s gets its architectural verdict", (f) => {
    const test = parseLitmus(readFileSync(join(dir, f), "utf8"), f);
    const r = runLitmus(test);
    expect(r.verdict).toBe(expected.get(test.name));
    expect(r.observation === "Never").toBe(r.verdict === "Forbidden");
  });
});
