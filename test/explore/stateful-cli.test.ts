/**
 * `smpsim explore --stateful` / `--strategy stateful` as users run it: an exhaustive verdict with
 * SPIN's figures (states stored and matched, transitions, depth reached, store size, the expected
 * states missed), in text and JSON; a violation found and saved like any other; bad combinations
 * exit 2 with one line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, smpsim as spawnCli, type CliResult } from "./explore-helpers.js";

let cwd = "";
beforeAll(() => {
  ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), "smpsim-stateful-cli-"));
}, 120_000);
afterAll(() => {
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});
const smpsim = (...args: string[]): CliResult => spawnCli(cwd, ...args);

function badInput(r: CliResult): string {
  expect(r.code, r.stderr + r.stdout).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0]!;
}

describe("explore --stateful", () => {
  it("tlb-shootdown-munmap --strategy stateful --json: clean, exhausted, unbounded, with SPIN's figures", () => {
    const r = smpsim("explore", "tlb-shootdown-munmap", "--strategy", "stateful", "--json");
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout) as Record<string, unknown> & { stateful: Record<string, number | string> };
    expect(o).toMatchObject({ strategy: "dfs", verdict: "clean", exhausted: true });
    expect(o.preemptionBound).toBeUndefined();
    expect(o.stateful.store).toBe("hash");
    for (const k of ["statesStored", "statesMatched", "transitions", "depthReached", "storeBytes"])
      expect(o.stateful[k], k).toBeGreaterThan(0);
    expect(o.stateful.transitions).toBe((o.stateful.statesStored as number) + (o.stateful.statesMatched as number));
    expect(o.stateful.expectedMissed).toBeLessThan(1e-9);
  });

  it("prints the figures in SPIN's words, and the bound it is exhaustive within", () => {
    const r = smpsim(
      "explore",
      "tlb-shootdown-munmap",
      "--strategy",
      "dfs",
      "--stateful",
      "--store",
      "exact",
      "--preemptions",
      "2",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/space within 2 preemptions was exhausted/);
    expect(r.stdout).toMatch(/stateful search, exact \(full state encoding\), within 2 preemptions:/);
    expect(r.stdout).toMatch(
      /\d+ states, stored\n\s+\d+ states, matched\n\s+\d+ transitions \(= stored\+matched\)\n\s+depth reached \d+/,
    );
    expect(r.stdout).not.toMatch(/expected states missed/);
  });

  it("bitstate reports the hash factor", () => {
    const r = smpsim(
      "explore",
      "tlb-shootdown-munmap",
      "--stateful",
      "--strategy",
      "dfs",
      "--store",
      "bitstate",
      "--hash-bits",
      "20",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/expected states missed by hash collisions: \S+ \(hash factor \d+\.\d; best above 100\)/);
  });

  it("finds the local-only munmap violation and saves a counterexample that replays", () => {
    const out = join(cwd, "st");
    const r = smpsim("explore", "tlb-shootdown-munmap-local-only", "--strategy", "stateful", "--out", out);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/VIOLATION of translation-coherence/);
    expect(smpsim("replay", join(out, "counterexample.log")).code).toBe(1);
  });

  it("with pct or random: exit 2, naming what it works with", () => {
    expect(badInput(smpsim("explore", "tlb-shootdown-munmap", "--strategy", "pct", "--stateful"))).toMatch(
      /--stateful works with --strategy dfs \(stateful DFS\) or dpor/,
    );
    expect(badInput(smpsim("explore", "tlb-shootdown-munmap", "--store", "exact"))).toMatch(
      /--store and --hash-bits go with --stateful/,
    );
    expect(badInput(smpsim("explore", "tlb-shootdown-munmap", "--stateful", "--strategy", "dfs", "--store", "disk"))).toMatch(
      /--store must be one of exact, hash, bitstate/,
    );
  });

  it("with dpor: exhausts tlb-shootdown-munmap, finds the local-only violation with a counterexample that replays", () => {
    const r = smpsim("explore", "tlb-shootdown-munmap", "--strategy", "dpor", "--stateful", "--json");
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { exhausted: boolean; stateful: { statesMatched: number } };
    expect(j.exhausted).toBe(true);
    expect(j.stateful.statesMatched).toBeGreaterThan(0);
    const text = smpsim("explore", "tlb-shootdown-munmap", "--strategy", "dpor", "--stateful").stdout;
    expect(text).toMatch(/stateful DPOR \(a prune carries the races of what was explored below the state\), hash compaction/);
    // Local steps are stateful DFS's; DPOR's own reduction stands for them.
    expect(text).not.toMatch(/local step alone/);
    const out = join(cwd, "sdpor");
    const v = smpsim("explore", "tlb-shootdown-munmap-local-only", "--strategy", "dpor", "--stateful", "--out", out);
    expect(v.code, v.stderr).toBe(1);
    expect(smpsim("replay", join(out, "counterexample.log")).code).toBe(1);
  });

  it("with dpor and a preemption bound, the bitstate store or symmetry: exit 2, saying why", () => {
    const sdpor = ["explore", "tlb-shootdown-munmap", "--strategy", "dpor", "--stateful"];
    expect(badInput(smpsim(...sdpor, "--preemptions", "2"))).toMatch(/dpor --stateful has no preemption bound/);
    expect(badInput(smpsim(...sdpor, "--store", "bitstate"))).toMatch(/needs the hash or exact store/);
    expect(badInput(smpsim(...sdpor, "--symmetry", "auto"))).toMatch(/has no symmetry reduction/);
  });

  it("on a scenario whose tasks migrate: exit 2 (program state is traced per core)", () => {
    expect(badInput(smpsim("explore", "asid-rollover-ipi", "--strategy", "stateful"))).toMatch(
      /needs a state it can store whole: every task pinned to one core/,
    );
  });

  it("under the armv8 memory model: exit 2 (the view machine is not part of a stored state)", () => {
    expect(badInput(smpsim("explore", "tlb-shootdown-munmap-armv8", "--strategy", "stateful"))).toMatch(
      /armv8 memory model, whose store buffers and views are not part of a stored state/,
    );
  });
});
