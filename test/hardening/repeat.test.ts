/**
 * `repeat` cannot hang the tool or overflow its stack (issue 15, items 4 and 7): a repeat whose body
 * makes no event is skipped (maxEvents could not stop it), a long repeat that does make events stops at
 * maxEvents, and nesting deeper than the format allows is bad input naming the field.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isCleanBadInput, smpsim, tempDir } from "./inproc.js";

const { dir, cleanup } = tempDir("repeat");
afterAll(cleanup);

type Op = Record<string, unknown>;
const read: Op = { op: "read", va: "0x8000" };
const repeat = (times: number, ...body: Op[]): Op => ({ op: "repeat", times, body });
function scenario(name: string, script: Op[], extra: Record<string, unknown> = {}): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      id: name,
      machine: { cores: 1, ...extra },
      tables: { A: { "0x8000": { pa: "0x10000" } } },
      tasks: [{ id: "A.0", mm: "A", cores: [0], script }],
    }),
  );
  return file;
}

describe("a repeat whose body makes no event", () => {
  const cases: [string, Op[]][] = [
    ["three levels around times 0", [repeat(1e9, repeat(1e9, repeat(0, read)))]],
    ["an empty body", [repeat(1e9, repeat(1e9))]],
    ["nothing but empty repeats, then a read", [repeat(1e9, repeat(1e9, repeat(0, read)), repeat(1e9)), read]],
  ];
  for (const [what, script] of cases) {
    it(`${what}: run and explore finish at once`, async () => {
      const f = scenario(what.replace(/\W/g, "-"), script);
      const r = await smpsim(["run", f, "--no-log"]);
      expect(r.status, r.stderr).toBe(0);
      const e = await smpsim(["explore", f, "--budget", "5", "--out", join(dir, `x-${what.replace(/\W/g, "-")}`)]);
      expect(e.status, e.stderr).toBe(0);
    }, 20_000);
  }

  it("two levels of 1e9 around a read stop at maxEvents", async () => {
    const f = scenario("huge", [repeat(1e9, repeat(1e9, read))], { maxEvents: 5000 });
    const r = await smpsim(["run", f, "--no-log", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ stopReason: "limit", events: 5000 });
  });
});

describe("nested repeats", () => {
  const nested = (depth: number): Op[] => {
    let op: Op = read;
    for (let i = 0; i < depth; i++) op = repeat(1, op);
    return [op];
  };
  it("up to 64 deep run", async () => {
    expect((await smpsim(["run", scenario("deep64", nested(64)), "--no-log"])).status).toBe(0);
  });
  for (const depth of [65, 2500, 20000]) {
    it(`${depth} deep is bad input naming the field, not a stack overflow`, async () => {
      // Written as text: JSON.stringify itself recurses and would overflow first.
      const file = scenario(`deep${depth}`, [{ op: "placeholder" }]);
      const text = readFileSync(file, "utf8").replace(
        '{"op":"placeholder"}',
        '{"op":"repeat","times":1,"body":['.repeat(depth) + '{"op":"read","va":"0x8000"}' + "]}".repeat(depth),
      );
      writeFileSync(file, text);
      const r = await smpsim(["run", file, "--no-log"]);
      expect(isCleanBadInput(r), r.stderr).toBe(true);
      expect(r.stderr).toMatch(/tasks\[0\]\.script\[0\](\.body\[0\])+: repeats nest more than 64 deep/);
    });
  }
});
