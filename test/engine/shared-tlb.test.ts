/**
 * machine.sharedTlb (src/state/shared-tlb.ts): groups of cores sharing one TLB (SMT siblings, TTBR.CnP).
 * A fill by one core is the group's; with it, a generation allocator that drops the running ASIDs at a
 * roll-over (test/fixtures/no-reserve-allocator.mjs; fine with private TLBs) lets a lagging sibling's
 * entries be used by another mm, while arm64's allocator, which reserves them, stays clean.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readScenario } from "../../scenarios/index.js";
import { encodeSchedule } from "../../src/engine/schedule.js";
import { explore } from "../../src/explore/explorer.js";
import { resolveModules } from "../../src/modules/resolve.js";
import type { Scenario } from "../../src/scenario/types.js";
import { siblingsOf } from "../../src/state/shared-tlb.js";
import type { SimEvent } from "../../src/events/index.js";
import { addEvent, dependent, emptyFootprint, Objects } from "../../src/explore/footprint.js";
import { staticAllocator } from "../../src/kernel/asid/static.js";
import { scenarioInitialState } from "../../src/run/simulate.js";
import { cli } from "../kernel/kernel-helpers.js";

const FILE = resolve(import.meta.dirname, "../fixtures/shared-tlb-no-reserve.json");
const raw = JSON.parse(readFileSync(FILE, "utf8")) as Record<string, any>;
const scenario = (edit: (r: Record<string, any>) => void = () => {}): Scenario => {
  const r = structuredClone(raw);
  edit(r);
  return readScenario(r, FILE);
};

async function search(s: Scenario, budget: number) {
  const allocator = await resolveModules(s, dirname(FILE));
  return explore({ target: { scenario: s, allocator }, strategy: "random", budget, seed: 1, depth: 3, preemptions: 2 });
}

const dir = mkdtempSync(join(tmpdir(), "smpsim-shared-tlb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let bad: ReturnType<typeof search> | undefined;
const badSearch = () => (bad ??= search(scenario(), 3000));

const two = (sharedTlb: unknown) => ({
  id: "two",
  machine: { cores: 2, tlbEntries: 8, sharedTlb },
  tables: { A: { "0x8000": { pa: "0x10000" } } },
  kernel: { asidAllocator: "static" },
  tasks: [
    { id: "A.0", mm: "A", cores: [0], script: [{ op: "read", va: "0x8000" }] },
    { id: "A.1", mm: "A", cores: [1], script: [{ op: "yield" }, { op: "yield" }, { op: "read", va: "0x8000" }] },
  ],
});

describe("TLBs shared between cores", () => {
  it("reads groups of cores, and refuses a core in two groups, a group of one, or a core the machine lacks", () => {
    expect(readScenario(two([[0, 1]]), "two.json").machine.sharedTlb).toEqual([[0, 1]]);
    expect(readScenario(two(false), "two.json").machine.sharedTlb).toBeUndefined();
    expect(() =>
      readScenario(
        two([
          [0, 1],
          [1, 0],
        ]),
        "two.json",
      ),
    ).toThrow(/machine.sharedTlb\[1\].*two groups/);
    expect(() => readScenario(two([[0]]), "two.json")).toThrow(/machine.sharedTlb\[0\].*two or more/);
    expect(() => readScenario(two([[0, 2]]), "two.json")).toThrow(/machine.sharedTlb\[0\]\[1\]/);
    expect(siblingsOf(4, [[0, 2]])).toEqual([[2], [], [0], []]);
  });

  it("lets a sibling hit the entry another core filled, where a private TLB walks again", () => {
    const file = join(dir, "two.json");
    const events = (sharedTlb: unknown) => {
      writeFileSync(file, JSON.stringify(two(sharedTlb)));
      const log = join(dir, "two.log");
      expect(cli(["run", file, "--strategy", "fifo", "--log", log, "--force"]).status).toBe(0);
      return readFileSync(log, "utf8").match(/"core":\d,"type":"tlb\.(fill|hit)"/g);
    };
    expect(events([[0, 1]])).toEqual(['"core":0,"type":"tlb.fill"', '"core":1,"type":"tlb.hit"']);
    expect(events(false)).toEqual(['"core":0,"type":"tlb.fill"', '"core":1,"type":"tlb.fill"']);
  });

  it("breaks a roll-over that drops running ASIDs: a sibling runs another mm under the same ASID (explore finds it)", async () => {
    const res = await badSearch();
    expect(res.found?.violation.invariant).toBe("unique-asid-active");
  });

  it("leaves the same allocator clean with private TLBs", async () => {
    const res = await search(
      scenario((r) => (r.machine.sharedTlb = false)),
      600,
    );
    expect(res.found).toBeNull();
  });

  it("leaves arm64's allocator, which keeps running ASIDs reserved, clean on the shared TLB", async () => {
    const res = await search(
      scenario((r) => (r.kernel.asidAllocator = "arm64")),
      600,
    );
    expect(res.found).toBeNull();
  });

  it("works with replay --verify, debug (tlb names the sharing cores) and trace", async () => {
    const res = await badSearch();
    const log = join(dir, "shared.log");
    const run = cli(["run", FILE, "--schedule", encodeSchedule(res.found!.picks), "--log", log, "--force"]);
    expect(run.status).toBe(1);
    const verify = cli(["replay", log, "--verify", "--allow-modules"]);
    expect(verify.stdout + verify.stderr).toMatch(/re-execution: every event identical; verified/);
    expect(cli(["trace", log, "-o", `${log}.json`, "--force", "--allow-modules"]).status).toBe(0);
    const dbg = cli(["debug", log, "--allow-modules", "--eval", "tlb 1"]);
    expect(dbg.stdout).toMatch(/core 1 TLB, shared with core 0:/);
  });
});

describe("DPOR's dependence on a shared TLB", () => {
  const fill = (core: number): SimEvent =>
    ({
      seq: 0,
      t: 0,
      core,
      type: "tlb.fill",
      va: 0x8000,
      spec: false,
      write: false,
      steps: 2,
      entry: {
        vpn: 8,
        asid: 1,
        vmid: 0,
        global: false,
        pa: 0x10000,
        writable: true,
        table: "A",
        gen: 0,
        filledAt: 0,
        lastUsed: 0,
      },
    }) as unknown as SimEvent;
  const footprint = (sharedTlb: unknown, core: number, o: Objects) => {
    const s = readScenario(two(sharedTlb), "two.json");
    const fp = emptyFootprint();
    addEvent(fp, fill(core), scenarioInitialState(s, staticAllocator), o);
    return fp;
  };

  it("makes fills by two siblings dependent (one TLB), and by two private TLBs independent", () => {
    const o = new Objects();
    expect(dependent(footprint([[0, 1]], 0, o), footprint([[0, 1]], 1, o))).toBe(true);
    expect(dependent(footprint(false, 0, o), footprint(false, 1, o))).toBe(false);
  });
});
