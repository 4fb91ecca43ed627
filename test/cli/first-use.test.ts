/**
 * What a new user meets first: the scenarios `list` marks `violation` violate on `run` as listed, and
 * the README's first example prints what the README quotes.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliSandbox, ensureCliBuilt, root, smpsimIn } from "./spawn.js";

const box = cliSandbox();

const smpsim = box.smpsim;

function listed(): { id: string; expect: string; shownBy: string }[] {
  ensureCliBuilt();
  return (
    JSON.parse(smpsimIn(root, ["list", "--json"]).stdout) as { scenarios: { id: string; expect: string; shownBy: string }[] }
  ).scenarios;
}

describe("scenarios listed as violations", () => {
  it("says for each listed scenario whether run or explore shows its violation", () => {
    const r = smpsim("list");
    // Piped (as here): no header, one scenario per line for scripts; a terminal gets the column names.
    expect(r.stdout.split("\n")[0]).toMatch(/^default\s+clean\s+-\s+/);
    expect(r.stdout).toMatch(/\ntlb-shootdown-munmap-local-only\s+violation\s+run\s+/);
    expect(r.stdout).toMatch(/\nasid-small-ipi\s+clean\s+explore\s+/);
    for (const s of listed())
      expect(s.shownBy).toBe(s.expect === "violation" ? "run" : s.shownBy === "explore" ? "explore" : "-");
  });

  const violating = listed().filter((s) => s.expect === "violation" && s.shownBy === "run");
  it.each(violating.map((s) => [s.id]))("smpsim run %s exits 1 with a VIOLATION line", (id) => {
    const r = smpsim("run", id, "--no-log");
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^VIOLATION of /m);
  });

  it("lets --seed leave a scenario's recorded schedule for the random strategy", () => {
    const r = smpsim("run", "a15-vmid-publish-race", "--no-log", "--seed", "1");
    expect(r.stdout).not.toMatch(/recorded schedule/);
    expect(smpsim("run", "a15-vmid-publish-race", "--no-log").stdout).toMatch(/following the scenario's recorded schedule/);
  });

  it("rejects a scenario whose recorded schedule is not a schedule string", () => {
    const r = smpsim("run", "default", "--no-log", "--set", "schedule.choices=0{x}");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/schedule\.choices: schedule string, character/);
  });
});

describe("the README's first example", () => {
  it("prints exactly the output the README quotes", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const block = /```\n\$ smpsim ([^\n]+)\n([\s\S]*?)```/.exec(readme);
    expect(block, "README has a ```$ smpsim ...``` example").not.toBeNull();
    const [, command, quoted] = block!;
    expect(readme.indexOf(block![0])).toBeLessThan(readme.indexOf("## Commands"));
    const r = smpsim(...command!.split(" "));
    expect(r.stdout).toBe(quoted);
  });
});

describe("the README for a fresh clone", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  it("says what the browser tests need and how they are skipped, next to npm test", () => {
    const top = readme.slice(0, readme.indexOf("## Why"));
    expect(top).toMatch(/npm test/);
    expect(top).toMatch(/\/usr\/bin\/chromium/);
    expect(top).toMatch(/skipped/);
  });
  it("says how to run smpsim outside the repository", () => {
    expect(readme).toMatch(/npm link/);
  });
  it("cites the seed thread by its title and date, not by a path a clone does not have", () => {
    expect(readme).not.toMatch(/\.\.\/shared\//);
    expect(readme).toMatch(/"Using non-Global\s+mappings for kernel address space"/);
  });
  it("says why a rerun of the same seed writes no new log", () => {
    expect(readme).toMatch(/reuses it instead of writing a copy/);
  });
});
