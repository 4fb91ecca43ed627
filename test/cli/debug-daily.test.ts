/** The debugger in daily use: stepping over scheduler choices, Enter to repeat, history, --json. */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCliBuilt, smpsimIn, tempDir } from "./spawn.js";

let cwd = "";
beforeAll(() => {
  ensureCliBuilt();
  cwd = tempDir();
  expect(smpsimIn(cwd, ["run", "tlb-shootdown-munmap-local-only", "--log", "v.log"]).code).toBe(1);
}, 120_000);
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

type Result = { command: string; at: number | null; event: { type: string } | null; output: string[]; error?: string };
function evalJson(cmds: string): { code: number | null; results: Result[] } {
  const r = smpsimIn(cwd, ["debug", "v.log", "--json", "--eval", cmds]);
  return { code: r.code, results: (JSON.parse(r.stdout) as { results: Result[] }).results };
}

describe("stepping", () => {
  it("steps over scheduler choice events unless choices are on", () => {
    const { results } = evalJson("goto start; step; step; step; step; step; step; step; step");
    const types = results.slice(1).map((r) => r.event!.type);
    expect(types).not.toContain("choice");
    const on = evalJson("goto start; choices on; step; step; step; step; step; step").results;
    expect(on.slice(2).map((r) => r.event!.type)).toContain("choice");
  });

  it("goes back over choice events too, to the event stepped from", () => {
    const { results } = evalJson("goto start; step 5; step 3; back 3");
    expect(results[3]!.at).toBe(results[1]!.at);
    expect(results[2]!.at! - results[1]!.at!).toBeGreaterThan(3); // choices were passed over
  });
});

describe("--json", () => {
  it("prints one object with each command's position, event and output", () => {
    const { code, results } = evalJson("goto 10; tlb 1");
    expect(code).toBe(0);
    expect(results[0]).toMatchObject({ command: "goto 10", at: 10, event: { seq: 10 } });
    expect(results[1]!.output.join("\n")).toMatch(/core 1 TLB/);
  });

  it("reports a command it does not know as an error result and exits 2", () => {
    const { code, results } = evalJson("goto 10; frob");
    expect(code).toBe(2);
    expect(results[1]).toMatchObject({ command: "frob", error: expect.stringMatching(/unknown command "frob"/) as unknown });
  });
});

describe("the prompt", () => {
  it("repeats the last command on an empty line and keeps the history in SMPSIM_HISTORY", () => {
    const history = join(cwd, "history");
    const r = smpsimIn(cwd, ["debug", "v.log"], {
      input: "goto 10\nstep\n\n\nquit\n",
      env: { ...process.env, SMPSIM_HISTORY: history },
    });
    expect(r.code, r.stderr).toBe(0);
    const ats = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("at #"))
      .map((l) => Number(/^at #(\d+)/.exec(l)![1]));
    expect(ats).toHaveLength(4);
    expect(ats[1]! < ats[2]! && ats[2]! < ats[3]!).toBe(true);
    expect(readFileSync(history, "utf8")).toBe("goto 10\nstep\nquit\n");
  });
});
