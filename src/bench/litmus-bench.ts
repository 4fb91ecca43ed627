/**
 * The time `smpsim litmus` takes on the whole test/litmus/ suite in one process (issue 12): the first
 * pass (cold: parse, JIT warm-up and all) and the median of 3 passes after it. Target: within 10× of
 * herd7 7.56 with aarch64.cat, which decides 2–3-thread tests of this kind in about 6 ms each.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseLitmus } from "../litmus/parse.js";
import { runLitmus } from "../litmus/run-test.js";
import { median } from "./measure.js";

export interface LitmusSection {
  tests: number;
  coldSeconds: number;
  warmSeconds: number;
  candidates: number;
}

/** herd7's time per test (issue 12) times the allowed factor. */
export const LITMUS_MS_PER_TEST_TARGET = 6 * 10;

export function litmusSection(dir: string): LitmusSection {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".litmus"))
    .sort()
    .map((f) => join(dir, f));
  let candidates = 0;
  const pass = (): number => {
    const t0 = performance.now();
    candidates = 0;
    for (const f of files) candidates += runLitmus(parseLitmus(readFileSync(f, "utf8"), f)).candidates;
    return (performance.now() - t0) / 1000;
  };
  const coldSeconds = pass();
  const warmSeconds = median([pass(), pass(), pass()]);
  return { tests: files.length, coldSeconds, warmSeconds, candidates };
}

export function formatLitmus(s: LitmusSection): string {
  const ms = (sec: number) => ((sec * 1000) / s.tests).toFixed(2);
  const verdict = (sec: number) => ((sec * 1000) / s.tests <= LITMUS_MS_PER_TEST_TARGET ? "PASS" : "MISS");
  return [
    `litmus (test/litmus/, ${s.tests} tests, ${s.candidates} candidate executions a pass, one process; target ≤ ${LITMUS_MS_PER_TEST_TARGET} ms a test, 10× herd7's ~6 ms)`,
    `  first pass (cold): ${s.coldSeconds.toFixed(3)} s, ${ms(s.coldSeconds)} ms a test ${verdict(s.coldSeconds)}`,
    `  warm (median of 3): ${s.warmSeconds.toFixed(3)} s, ${ms(s.warmSeconds)} ms a test ${verdict(s.warmSeconds)}`,
  ].join("\n");
}
