/** Option mistakes get one line in the tool's words, with the nearest known word when it is a typo. */

import { describe, expect, it } from "vitest";
import { editDistance, nearest } from "../../src/cli/did-you-mean.js";
import { cliSandbox, smpsimIn } from "./spawn.js";

const box = cliSandbox();

/** Exit 2, one line on stderr, none of node:util's parseArgs wording. */
function usage(...args: string[]): string {
  const r = smpsimIn(box.cwd, args);
  expect(r.code, r.stderr + r.stdout).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/positional argument|ambiguous|<value>|ERR_PARSE_ARGS/);
  return lines[0]!;
}

describe("option errors", () => {
  it("suggests the option meant by a typo", () => {
    expect(usage("run", "default", "--no-log", "--sed", "3")).toBe(
      "smpsim: run: unknown option --sed (did you mean --seed?) (see smpsim help run)",
    );
    expect(usage("list", "--jsn")).toMatch(/unknown option --jsn \(did you mean --json\?\)/);
  });

  it("reads a negative number as a value and judges its range", () => {
    expect(usage("run", "default", "--seed", "-1")).toBe('smpsim: run: --seed wants an integer from 0 to 2147483647, got "-1"');
  });

  it("says when an option's value is missing or is another option", () => {
    expect(usage("run", "default", "--seed")).toMatch(/run: --seed needs a value/);
    expect(usage("run", "default", "--log", "--force")).toMatch(/--log needs a value, but the next word is the option --force/);
    expect(usage("run", "default", "--json=yes")).toMatch(/--json takes no value \(got "yes"\)/);
  });

  it("names extra arguments", () => {
    expect(usage("run", "default", "again")).toMatch(/run: expected 1 argument, got 2 \(unexpected: "again"\)/);
  });

  it("suggests commands and scenario names", () => {
    expect(usage("rn", "default")).toMatch(/unknown command "rn" \(did you mean run\?\)/);
    expect(usage("--verison")).toMatch(/did you mean --version\?/);
    expect(usage("run", "tlb-shootdown-munmap-localonly")).toMatch(/did you mean tlb-shootdown-munmap-local-only\?/);
    expect(usage("run", "zzzzzz")).not.toMatch(/did you mean/);
  });

  it("takes a name of Object's prototype for an unknown command, not a command", () => {
    for (const name of ["constructor", "toString", "__proto__"])
      expect(usage(name)).toMatch(new RegExp(`unknown command "${name}"`));
  });
});

describe("help", () => {
  it("smpsim help run prints run's help", () => {
    const r = smpsimIn(box.cwd, ["help", "run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(smpsimIn(box.cwd, ["run", "--help"]).stdout);
    expect(r.stdout).toMatch(/^usage: smpsim run </);
  });
});

describe("nearest", () => {
  it("takes swapped letters as one edit", () => {
    expect(editDistance("--sede", "--seed")).toBe(1);
  });
  it("offers nothing for a word far from every known one", () => {
    expect(nearest("explain", ["list", "run", "replay"])).toBeUndefined();
    expect(nearest("replya", ["list", "run", "replay"])).toBe("replay");
  });
});
