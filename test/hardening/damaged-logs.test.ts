/**
 * Damaged or tampered logs are bad input, never a crash (issue 15, items 5 and 9): each event is checked
 * against its type's schema and folded under a guard, so the first bad line is reported with exit 2;
 * a footer that exists but does not parse is damage, not truncation; `replay --verify` compares the
 * footer's reason and schedule and re-executes from the header's seed and strategy, so an edited
 * header, footer or choice never verifies.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinScenarios, readScenario } from "../../scenarios/index.js";
import { checkEvent, schemaOf } from "../../src/events/event-schema.js";
import { runScenario } from "../../src/run/run-scenario.js";
import { isCleanBadInput, smpsim, tempDir, type CliResult } from "./inproc.js";

const { dir, cleanup } = tempDir("damaged");
afterAll(cleanup);
let lines: string[];
const good = join(dir, "good.log");
beforeAll(async () => {
  expect((await smpsim(["run", "default", "--log", good])).status).toBe(0);
  lines = readFileSync(good, "utf8").split("\n");
});

let n = 0;
function variant(edit: (l: string[]) => void): string {
  const l = lines.slice();
  edit(l);
  const f = join(dir, `v${n++}.log`);
  writeFileSync(f, l.join("\n"));
  return f;
}
/** Edits the first event of `type` with `change`. */
function editEvent(type: string, change: (e: Record<string, any>) => void): string {
  return variant((l) => {
    const i = l.findIndex((x, j) => j > 0 && x.includes(`"type":"${type}"`));
    const e = JSON.parse(l[i]!) as Record<string, unknown>;
    change(e);
    l[i] = JSON.stringify(e);
  });
}
const noStack = (r: CliResult): boolean => !/\n\s+at /.test(r.stderr) && !r.stderr.includes("internal error");

describe("a tampered event", () => {
  const cases: [string, () => string][] = [
    ["core 99 on a sched.pick", () => editEvent("sched.pick", (e) => (e.core = 99))],
    ["core 0.5 on a sched.pick", () => editEvent("sched.pick", (e) => (e.core = 0.5))],
    ["a vpn out of range in a fill", () => editEvent("tlb.fill", (e) => (e.entry.vpn = 123456789))],
    ["slot -3 in a fill", () => editEvent("tlb.fill", (e) => (e.slot = -3))],
    ["an unknown task", () => editEvent("sched.pick", (e) => (e.task = "nobody"))],
    ["an unknown event type", () => editEvent("tlb.hit", (e) => (e.type = "tlb.bogus"))],
    ["an extra field", () => editEvent("tlb.hit", (e) => (e.extra = 1))],
    ["a hit on a slot never filled", () => editEvent("tlb.hit", (e) => (e.slot = 60))],
  ];
  for (const [what, make] of cases) {
    it(`${what}: replay, debug and trace exit 2 naming the line; verify never 0`, async () => {
      const f = make();
      for (const cmd of [
        ["replay", f],
        ["debug", f, "--eval", "state"],
        ["trace", f, "-o", join(dir, "t.json"), "--force"],
      ]) {
        const r = await smpsim(cmd);
        expect(noStack(r), r.stderr).toBe(true);
        expect([1, 2], `${cmd[0]}: ${r.stderr}`).toContain(r.status);
        if (r.status === 2) expect(r.stderr).toMatch(new RegExp(`${f.replace(/[.]/g, "\\.")}: line \\d+`));
      }
      const v = await smpsim(["replay", "--verify", f]);
      expect(noStack(v), v.stderr).toBe(true);
      expect([1, 2]).toContain(v.status);
    });
  }

  it("a deleted event with the rest renumbered is reported, not a crash", async () => {
    for (const k of [3, 10, 50, 200]) {
      const f = variant((l) => {
        l.splice(k, 1);
        for (let i = k; i < l.length; i++) {
          if (!l[i]!.startsWith('{"seq"')) continue;
          const e = JSON.parse(l[i]!) as { seq: number };
          e.seq = i - 1;
          l[i] = JSON.stringify(e);
        }
        const end = JSON.parse(l.at(-2)!) as { end: { events: number } };
        end.end.events--;
        l[l.length - 2] = JSON.stringify(end);
      });
      for (const cmd of [
        ["replay", f],
        ["replay", "--verify", f],
        ["debug", f, "--eval", "goto end"],
      ]) {
        const r = await smpsim(cmd);
        expect(noStack(r), r.stderr).toBe(true);
        // Only a verifier must notice; the debugger may show such a log as it is.
        expect(cmd[1] === "--verify" ? [1, 2] : [0, 1, 2], r.stderr).toContain(r.status);
      }
    }
  });

  it("a task removed from the header's config.tasks is reported at its first event", async () => {
    const f = variant((l) => {
      const h = JSON.parse(l[0]!) as { config: { tasks: { id: string }[] } };
      h.config.tasks = h.config.tasks.filter((t) => t.id !== "C");
      l[0] = JSON.stringify(h);
    });
    const r = await smpsim(["replay", f]);
    expect(isCleanBadInput(r), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/line \d+: event #\d+ \(sched\.(pick|yield)\): (task|prev): no task "C"/);
  });
});

describe("the footer and header", () => {
  it("a damaged footer line is damage, not truncation: replay and verify exit 2", async () => {
    const f = variant((l) => (l[l.length - 2] = l.at(-2)!.replace('"stateHash"', '"stateHash')));
    for (const cmd of [
      ["replay", f],
      ["replay", "--verify", f],
    ]) {
      const r = await smpsim(cmd);
      expect(isCleanBadInput(r), r.stderr).toBe(true);
      expect(r.stderr).toContain(`line ${lines.length - 1}`);
    }
  });

  const footerEdit = (change: (end: Record<string, unknown>) => void): string =>
    variant((l) => {
      const f = JSON.parse(l.at(-2)!) as { end: Record<string, unknown> };
      change(f.end);
      l[l.length - 2] = JSON.stringify(f);
    });
  for (const [what, make] of [
    ["end.reason", () => footerEdit((e) => (e.reason = "limit"))],
    ["end.schedule", () => footerEdit((e) => (e.schedule = "0" + String(e.schedule)))],
    ["end.stateHash", () => footerEdit((e) => (e.stateHash = "0123456789abcdef"))],
    ["header seed", () => variant((l) => (l[0] = l[0]!.replace('"seed":1', '"seed":2')))],
    ["header strategy", () => variant((l) => (l[0] = l[0]!.replace('"strategy":"random"', '"strategy":"fifo"')))],
  ] as const) {
    it(`an edited ${what} never verifies`, async () => {
      const r = await smpsim(["replay", "--verify", make()]);
      expect(noStack(r), r.stderr).toBe(true);
      expect([1, 2], r.stdout + r.stderr).toContain(r.status);
    });
  }

  it("the untouched log verifies (exit 0)", async () => {
    expect((await smpsim(["replay", "--verify", good])).status).toBe(0);
  });

  it("a --schedule run's log records the schedule and verifies", async () => {
    const f = join(dir, "sched.log");
    expect((await smpsim(["run", "tlb-shootdown-munmap", "--schedule", "1", "--log", f])).status).toBe(0);
    expect(JSON.parse(readFileSync(f, "utf8").split("\n")[0]!)).toMatchObject({ schedule: "1" });
    expect((await smpsim(["replay", "--verify", f])).status).toBe(0);
  });
});

describe("the event schemas", () => {
  it("accept every event of every built-in scenario's run", async () => {
    for (const b of builtinScenarios) {
      const sc = readScenario(b.raw, b.id);
      for (const strategy of ["random"] as const) {
        const r = await runScenario({ scenario: sc, baseDir: ".", seed: 5, strategy, keepEvents: true });
        const cx = schemaOf(sc);
        for (const e of r.events) expect(checkEvent(e, cx), `${b.id}: ${JSON.stringify(e)}`).toBeNull();
      }
    }
  });
});
