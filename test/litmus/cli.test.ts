/** `smpsim litmus` run in-process through the CLI's main (no stale dist/). */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { catalog } from "../../scenarios/index.js";
import { main } from "../../src/cli/main.js";

const suite = dirname(fileURLToPath(import.meta.url));

async function smpsim(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, catalog, { out: (l) => void out.push(l), err: (l) => void err.push(l), tty: false });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

let dir = "";
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), "smpsim-litmus-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("smpsim litmus", () => {
  it("prints herd7's block, the verdict and a summary for one file", async () => {
    const r = await smpsim("litmus", join(suite, "MP.litmus"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Test MP Allowed\nStates 4\n1:X0=0; 1:X2=0;");
    expect(r.stdout).toContain("Observation MP Sometimes 1 3");
    expect(r.stdout).toMatch(/Verdict MP Allowed/);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toMatch(/^Summary: 1 test\(s\) decided/);
  });

  it("says Forbidden when the outcome is never observed", async () => {
    const r = await smpsim("litmus", join(suite, "MP+dmb.sys.litmus"));
    expect(r.stdout).toContain("Observation MP+dmb.sys Never 0 3");
    expect(r.stdout.match(/\b(Allowed|Forbidden)\b/g)?.at(-1)).toBe("Forbidden");
  });

  it("takes a directory and several files in one process, with --json", async () => {
    const r = await smpsim("litmus", join(suite, "SB.litmus"), join(suite, "LB+addrs.litmus"), "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.tests.map((t: { name: string; verdict: string }) => `${t.name} ${t.verdict}`)).toEqual([
      "SB Allowed",
      "LB+addrs Forbidden",
    ]);
    expect(j.tests[0].states[0]).toMatchObject({ "0:X2": 0, "1:X2": 0, satisfies: true });
    const all = await smpsim("litmus", suite);
    expect(all.stdout).toMatch(/Summary: \d+ test\(s\) decided .*, 0 not taken/);
  });

  it("exits 2 naming the file and line of unsupported syntax, and still decides the other files", async () => {
    const bad = join(dir, "bad.litmus");
    writeFileSync(bad, "AArch64 bad\n{ 0:X1=x; }\n P0 ;\n LDR W0,[X1] ;\n PRFM PLDL1KEEP,[X1] ;\nexists (0:X0=1)\n");
    const r = await smpsim("litmus", bad, join(suite, "MP.litmus"));
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")).toEqual([expect.stringMatching(/bad\.litmus:5: P0: unsupported instruction "PRFM"/)]);
    expect(r.stdout).toContain("Verdict MP Allowed");
  });

  it("exits 2 on a missing file and with no argument; --help exits 0", async () => {
    expect((await smpsim("litmus", join(dir, "none.litmus"))).code).toBe(2);
    expect((await smpsim("litmus")).code).toBe(2);
    const h = await smpsim("litmus", "--help");
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^usage: smpsim litmus/);
  });
});
