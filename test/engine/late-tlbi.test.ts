/**
 * machine.tlbi.lateCompletion (src/engine/late-tlbi.ts): a broadcast TLBI may be acked before it is
 * carried out on the receiver (Cortex-A15 erratum 798181), a recorded choice that exploration covers.
 * munmap's plain TLBIMVAIS + DSB then lets another core use the freed page; Linux's workaround (a dummy
 * TLBIMVAIS + DSB and an IPI, arch/arm/kernel/smp_tlb.c v3.11) is clean. Off, nothing changes.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readScenario } from "../../scenarios/index.js";
import { encodeSchedule } from "../../src/engine/schedule.js";
import { explore } from "../../src/explore/explorer.js";
import { resolveModules } from "../../src/modules/resolve.js";
import type { Scenario } from "../../src/scenario/types.js";
import { cli } from "../kernel/kernel-helpers.js";

const FILE = resolve(import.meta.dirname, "../fixtures/late-tlbi-scenario.json");
const raw = JSON.parse(readFileSync(FILE, "utf8")) as Record<string, any>;
const scenario = (edit: (r: Record<string, any>) => void = () => {}): Scenario => {
  const r = structuredClone(raw);
  edit(r);
  return readScenario(r, FILE);
};

async function search(s: Scenario, strategy: "random" | "dpor", budget: number, dporPreemptions?: number) {
  const allocator = await resolveModules(s, dirname(FILE));
  return explore({
    target: { scenario: s, allocator },
    strategy,
    budget,
    seed: 1,
    depth: 3,
    preemptions: 2,
    ...(dporPreemptions === undefined ? {} : { dporPreemptions }),
  });
}

const dir = mkdtempSync(join(tmpdir(), "smpsim-late-tlbi-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let bad: ReturnType<typeof search> | undefined;
const badSearch = () => (bad ??= search(scenario(), "dpor", 20000));

describe("broadcast TLBI completing late", () => {
  it("lets munmap's TLBIMVAIS + DSB leave a stale entry in use after the page is freed (explore finds it)", async () => {
    const res = await badSearch();
    expect(res.found?.violation.invariant).toBe("translation-coherence");
  });

  it("is clean with the erratum 798181 workaround (dummy TLBIMVAIS + DSB, then an IPI)", async () => {
    const s = scenario((r) => (r.kernel.tlbFlush = "./tlb-flush-a15-erratum.mjs"));
    const res = await search(s, "random", 400);
    expect(res.found).toBeNull();
    expect(res.schedules).toBe(400);
  });

  // Within 2 preemptions (3,232 schedules): unbounded DPOR passes 20,000 since same-asid-threads
  // declares its register reads.
  it("is off by default: the same munmap is clean under DPOR exhausted within 2 preemptions", async () => {
    const res = await search(
      scenario((r) => delete r.machine.tlbi),
      "dpor",
      20000,
      2,
    );
    expect(res.found).toBeNull();
    expect(res.exhausted).toBe(true);
  });

  it("logs the late completion so that replay --verify, debug and trace work", async () => {
    const res = await badSearch();
    const log = join(dir, "late.log");
    const run = cli(["run", FILE, "--schedule", encodeSchedule(res.found!.picks), "--log", log, "--force"]);
    expect(run.status).toBe(1);
    expect(readFileSync(log, "utf8")).toMatch(/"late":\{"id":\d+,.*"late":true\}/);
    const verify = cli(["replay", log, "--verify"]);
    expect(verify.stdout + verify.stderr).toMatch(/re-execution: every event identical; verified/);
    expect(cli(["trace", log, "-o", `${log}.json`, "--force"]).status).toBe(0);
    expect(cli(["debug", log, "--eval", "goto 50; tlb 1"]).status).toBe(0);
  });
});
