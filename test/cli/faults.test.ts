/** A task whose mm has no page table is a mistake unless the scenario says so; the summary counts faults. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliSandbox, smpsimIn } from "./spawn.js";

const box = cliSandbox();

function scenario(tables: Record<string, unknown>): string {
  const file = join(box.cwd, `s-${Object.keys(tables).join("-")}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      id: "no-table",
      machine: { cores: 1 },
      tables,
      tasks: [
        {
          id: "B.0",
          mm: "B",
          script: [
            { op: "read", va: "0x8000" },
            { op: "read", va: "0x9000" },
          ],
        },
      ],
    }),
  );
  return file;
}

describe("an mm without a page table", () => {
  it("is bad input naming the task's field and the way out", () => {
    const r = smpsimIn(box.cwd, ["run", scenario({ kernel: {} }), "--no-log"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /tasks\[0\]\.mm: mm "B" has no page table \(tables\.B\), so every access would fault; add its table, or "B": \{\} in tables if the faults are intended/,
    );
  });

  it("runs when the scenario gives it an empty table, and the summary counts the faults", () => {
    const r = smpsimIn(box.cwd, ["run", scenario({ kernel: {}, B: {} }), "--no-log"]);
    expect(r.code, r.stderr).toBe(0);
    const [head, core0] = r.stdout.split("\n").filter((l) => /^core |^ +0 /.test(l));
    const cols = head!.trim().split(/\s+/);
    expect(cols).toContain("faults");
    expect(core0!.trim().split(/\s+/)[cols.indexOf("faults")]).toBe("2");
  });
});
