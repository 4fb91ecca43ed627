/** `smpsim trace` as Perfetto reads it: microsecond timestamps (1 cycle = 1 ns) and the TLB on the tracks. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliSandbox, smpsimIn } from "./spawn.js";

const box = cliSandbox();

describe("smpsim trace", () => {
  it("writes microseconds, says so, and puts TLB fills, hits, TLBIs and PTE changes on the core tracks", () => {
    expect(smpsimIn(box.cwd, ["run", "tlb-shootdown-munmap-local-only", "--log", "v.log"]).code).toBe(1);
    const r = smpsimIn(box.cwd, ["trace", "v.log", "-o", "t.json"]);
    expect(r.code, r.stderr).toBe(0);
    const file = JSON.parse(readFileSync(join(box.cwd, "t.json"), "utf8")) as {
      traceEvents: { ph: string; ts?: number; cat?: string; name: string }[];
      otherData: { time: string };
    };
    const log = readFileSync(join(box.cwd, "v.log"), "utf8").trim().split("\n");
    const lastT = (JSON.parse(log[log.length - 2]!) as { t: number }).t;
    const maxTs = Math.max(...file.traceEvents.filter((e) => e.ts !== undefined).map((e) => e.ts!));
    expect(maxTs).toBeCloseTo(lastT / 1000, 6);
    expect(file.otherData.time).toMatch(/microseconds = modelled cycles \/ 1000/);
    const cats = new Set(file.traceEvents.filter((e) => e.ph === "i").map((e) => e.cat));
    for (const c of ["tlb", "tlbi", "pte"]) expect(cats).toContain(c);
    expect(smpsimIn(box.cwd, ["trace", "--help"]).stdout).toMatch(/one modelled cycle shows as 1 ns/);
  });
});
