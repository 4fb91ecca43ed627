/**
 * `smpsim debug` and `smpsim trace` as users run them: the real binary (bin/smpsim.js over dist/,
 * compiled once if missing, as in cli.test.ts), on logs written by `smpsim run`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateTrace } from "../../src/trace/validate.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = join(root, "bin/smpsim.js");
const cwd = mkdtempSync(join(tmpdir(), "smpsim-debug-"));
const at = (name: string): string => join(cwd, name);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function smpsim(args: string[], input?: string): Result {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 30_000,
    ...(input !== undefined ? { input } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const debug = (log: string, script: string): Result => smpsim(["debug", log, "--eval", script]);

function badInput(r: Result): string {
  expect(r.code, r.stderr + r.stdout).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0]!;
}

/** A seed at which munmap with a local-only TLBI violates coherence, and its log. */
let violating = "";
beforeAll(() => {
  if (!existsSync(join(root, "dist/src/cli/main.js"))) {
    spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", root], { encoding: "utf8" });
  }
  expect(smpsim(["run", "asid-rollover-ipi", "--seed", "3", "--log", "ipi.log"]).code).toBe(0);
  for (let seed = 1; seed < 100 && !violating; seed++) {
    if (smpsim(["run", "tlb-shootdown-munmap-local-only", "--seed", String(seed), "--log", `v${seed}.log`]).code === 1)
      violating = `v${seed}.log`;
  }
  expect(violating).not.toBe("");
}, 120_000);
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe("smpsim debug --eval", () => {
  it("goes to events, steps forwards and back, and shows cores and TLBs", () => {
    const r = debug("ipi.log", "goto 40; step 5; back 3; core 0; tlb 1; diff 10 40");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("(start) goto 40\nat #40  t=");
    expect(r.stdout).toContain("(#40 ");
    // step and back pass over choice events: from #49, three non-choice events back is #43.
    expect(r.stdout).toMatch(/\) back 3\nat #43 /);
    expect(r.stdout).toMatch(/core 0: SVC mode/);
    expect(r.stdout).toMatch(/hypervisor VTTBR .* VMID 0 {2}stage 2 off/);
    expect(r.stdout).toMatch(/core 1 TLB: \d+ of 16 entries/);
    expect(r.stdout).toMatch(/diff #10 → #40: what events #11\.\.#40 changed/);
    expect(r.stderr).toBe("");
  });

  it("lists TLB entries with gen:asid tags, hex addresses and the event that filled each", () => {
    const r = debug("ipi.log", "goto 400; tlb 1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/slot +VA +ASID +VMID +PA +perm +table +filled +used/);
    expect(r.stdout).toMatch(/0x8000 +\d+:\d+ +0 +0x[0-9a-f]+ +rw +M\d +#\d+ +#\d+/);
  });

  it("explains a violating access with why: the fill, the walk, the registers then, and a stale verdict", () => {
    const r = debug(violating, "goto end; why 1 0x8000; where 4");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/why core 1 VA 0x8000 at #\d+: lookup with CONTEXTIDR\.ASID 1, VMID 0/);
    expect(r.stdout).toMatch(/filled by #\d+ \(t=\d+, core 1\): read miss 0x8000→0x10000/);
    expect(r.stdout).toContain("walk: TTBR0 → table A, 2 descriptor reads, stage 2 off");
    expect(r.stdout).toMatch(/registers then: mode SVC {2}TTBR0 A {2}TTBR1 kernel {2}CONTEXTIDR\.ASID 1/);
    expect(r.stdout).toContain("the entry is STALE");
    expect(r.stdout).toMatch(/seq +t +core 0 +core 1/);
    expect(r.stdout).toMatch(/▶ +\d+ +\d+ +VIOLATION translation-coherence/);
  });

  it("runs next/prev, find and watch in both directions", () => {
    const r = debug(
      "ipi.log",
      "next asid.rollover; prev core 2; find type=ipi.send; watch cpu_last_asid; watch -b cpu_last_asid; state",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\) next asid\.rollover\nat #\d+ +t=\d+ +core \d +asid\.rollover +ROLL-OVER to generation 2/);
    expect(r.stdout).toMatch(/prev core 2\nat #\d+ +t=\d+ +core 2 /);
    expect(r.stdout).toMatch(/find type=ipi\.send: \d+ events?/);
    expect(r.stdout).toMatch(/watch cpu_last_asid: \d+ → \d+, changed by #\d+/);
    expect(r.stdout).toMatch(/CONTEXTIDR\.ASID/);
    expect(r.stdout).toMatch(/shared variables \(\d+\): cpu_last_asid=\d+/);
  });

  it("exits 2 on a command it does not know, after running the ones before it", () => {
    const r = debug("ipi.log", "goto 5; frobnicate; state");
    expect(badInput(r)).toMatch(/frobnicate.*unknown command "frobnicate"/);
    expect(r.stdout).toContain("at #5 ");
    expect(r.stdout).not.toContain("locks held:");
    expect(badInput(debug("ipi.log", "goto 999999"))).toMatch(/no event #999999/);
    expect(badInput(debug("ipi.log", "tlb 9"))).toMatch(/no core 9/);
    expect(badInput(debug("ipi.log", "find colour=red"))).toMatch(/unknown key "colour"/);
  });

  it("exits 2 on a bad log, naming it", () => {
    expect(badInput(smpsim(["debug", "missing.log", "--eval", "state"]))).toMatch(/missing\.log: cannot read/);
    writeFileSync(at("junk.log"), "not a log\n");
    expect(badInput(smpsim(["debug", "junk.log", "--eval", "state"]))).toMatch(/junk\.log: line 1/);
  });

  it("loads the valid prefix of a truncated log and says so", () => {
    const text = readFileSync(at("ipi.log"), "utf8");
    writeFileSync(at("cut.log"), text.slice(0, Math.floor(text.length / 2)));
    const r = debug("cut.log", "goto end");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/cut\.log: log truncated \(.*\); loaded the \d+ complete events before it/);
    expect(r.stdout).toContain("(last event)");
  });

  it("reads commands from a pipe without --eval, errors included, until quit", () => {
    const r = smpsim(["debug", "ipi.log"], "goto 3\nbogus\nhelp\nquit\nstate\n");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^smpsim debug: ipi\.log: scenario asid-rollover-ipi/);
    expect(r.stdout).toContain("at #3 ");
    expect(r.stderr).toMatch(/error: unknown command "bogus"/);
    expect(r.stdout).toMatch(/goto N +go to event #N/);
    expect(r.stdout).not.toContain("locks held:");
  });

  it("takes the snapshot interval with --k, and refuses one that is not a positive integer", () => {
    const a = smpsim(["debug", "ipi.log", "--k", "16", "--eval", "goto 700; state"]);
    const b = smpsim(["debug", "ipi.log", "--eval", "goto 700; state"]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(badInput(smpsim(["debug", "ipi.log", "--k", "0", "--eval", "state"]))).toMatch(/--k wants an integer/);
  });

  it("prints its usage with --help", () => {
    const r = smpsim(["debug", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: smpsim debug <log>/);
  });
});

describe("smpsim trace", () => {
  it("writes a well-formed Perfetto trace with core tracks and IPI flows", () => {
    const r = smpsim(["trace", "ipi.log", "-o", "t.json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/trace t\.json: \d+ trace events from \d+ log events: \d+ slices, [1-9]\d* flows/);
    const t = JSON.parse(readFileSync(at("t.json"), "utf8")) as {
      traceEvents: { ph: string; tid?: number }[];
      displayTimeUnit: string;
    };
    expect(t.displayTimeUnit).toBe("ns");
    expect(validateTrace(t)).toEqual([]);
    expect(new Set(t.traceEvents.filter((e) => e.ph === "X").map((e) => e.tid))).toEqual(new Set([0, 1, 2, 3]));
  });

  it("refuses to overwrite without --force (exit 2, file untouched) and overwrites with it", () => {
    writeFileSync(at("keep.json"), "keep");
    expect(badInput(smpsim(["trace", "ipi.log", "-o", "keep.json"]))).toMatch(/keep\.json: file exists/);
    expect(readFileSync(at("keep.json"), "utf8")).toBe("keep");
    expect(smpsim(["trace", "ipi.log", "-o", "keep.json", "--force"]).code).toBe(0);
    expect(readFileSync(at("keep.json"), "utf8")).toMatch(/^\{"displayTimeUnit":"ns"/);
  });

  it("exits 2 without -o or on a bad log", () => {
    expect(badInput(smpsim(["trace", "ipi.log"]))).toMatch(/-o FILE is required/);
    expect(badInput(smpsim(["trace", "missing.log", "-o", "x.json"]))).toMatch(/missing\.log: cannot read/);
    expect(existsSync(at("x.json"))).toBe(false);
  });
});
