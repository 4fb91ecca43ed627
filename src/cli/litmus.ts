/** `smpsim litmus`: herd7-style verdicts of AArch64 litmus tests under the ARMv8 model. */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "./args.js";
import type { Catalog } from "./catalog.js";
import { EXIT_BAD_INPUT, EXIT_OK, UsageError } from "./errors.js";
import type { Io } from "./io.js";
import { LitmusError } from "../litmus/errors.js";
import { formatResult } from "../litmus/format.js";
import { parseLitmus } from "../litmus/parse.js";
import { runLitmus, type LitmusResult } from "../litmus/run-test.js";

export const litmusHelp = `usage: smpsim litmus FILE|DIR... [--json]

Decides AArch64 litmus tests (herd7's format) under the ARMv8 memory model (herd7's aarch64.cat, ARM ARM
B2.3): every candidate execution is enumerated and checked, and each test gets herd7's result block
(final states, Ok/No, Positive/Negative, Observation Sometimes/Never/Always) and a verdict line:
"Allowed" when the condition's outcome is reachable, "Forbidden" when it is not. A directory is read
for its *.litmus files (sorted). The last line sums up.
  --json   one JSON object: {"tests":[{name,file,verdict,observation,states,...}],"errors":[...]}
Exit status: 0 every test decided, 2 a file could not be read or uses syntax outside the subset (the
error names the file and line; the other files are still decided).`;

function expand(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`litmus: ${p}: no such file or directory`);
    }
    if (st.isDirectory())
      files.push(
        ...readdirSync(p)
          .filter((f) => f.endsWith(".litmus"))
          .sort()
          .map((f) => join(p, f)),
      );
    else files.push(p);
  }
  return files;
}

export function litmus(argv: string[], _catalog: Catalog, io: Io): number {
  const a = parse("litmus", argv, { json: { type: "boolean" } }, [1, Infinity]);
  if (a.values.help) return (io.out(litmusHelp), EXIT_OK);
  const results: { result: LitmusResult; quantifier: string; condition: string }[] = [];
  const errors: string[] = [];
  for (const file of expand(a.positionals)) {
    try {
      const test = parseLitmus(readFileSync(file, "utf8"), file);
      const result = runLitmus(test);
      results.push({ result, quantifier: test.quantifier, condition: test.conditionText });
      if (!a.values.json) io.out([...formatResult(result, test.quantifier, test.conditionText), ""].join("\n"));
    } catch (e) {
      if (!(e instanceof LitmusError) && (e as { code?: string }).code === undefined) throw e;
      const msg = e instanceof LitmusError ? e.message : `${file}: ${(e as Error).message}`;
      errors.push(msg);
      if (!a.values.json) io.err(`smpsim: litmus: ${msg}`);
    }
  }
  const reachable = results.filter((r) => r.result.verdict === "Allowed").length;
  if (a.values.json) {
    const tests = results.map(({ result, quantifier, condition }) => ({
      ...result,
      quantifier,
      condition,
      states: result.states.map((s) => ({
        ...Object.fromEntries(result.observables.map((o, i) => [o, s.values[i]])),
        executions: s.executions,
        satisfies: s.satisfies,
      })),
    }));
    io.out(JSON.stringify({ tests, errors }));
  } else {
    io.out(
      `Summary: ${results.length} test(s) decided (condition reachable in ${reachable}, unreachable in ${results.length - reachable}), ${errors.length} not taken`,
    );
  }
  return errors.length > 0 ? EXIT_BAD_INPUT : EXIT_OK;
}
