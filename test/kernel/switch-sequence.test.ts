/**
 * The TTBR0/ASID write order of switch_mm. Unit level: each of the five sequences yields its documented
 * register writes and barriers in order. In a run: every switch the kernel makes writes exactly those.
 * End to end: the pinned asid-switch-no-reserved schedule (ASID before TTBR0, a speculative walk in
 * between) ends in a coherence violation naming the stale entry, and the same schedule under the
 * reserved-ASID sequence (proc-v7.S cpu_v7_switch_mm, 2.6.3x) is clean.
 */
import { describe, expect, it } from "vitest";
import type { Op } from "../../src/engine/ops.js";
import type { SimEvent } from "../../src/events/index.js";
import { RESERVED_TTBR0, switchSequence } from "../../src/kernel/switch-sequence.js";
import type { SwitchSequence } from "../../src/scenario/types.js";
import { builtin } from "../support/sim.js";
import { cli, fold, is, load, onCore, run, where } from "./kernel-helpers.js";

const PINNED = "1{34}01";
const SEQUENCES: readonly SwitchSequence[] = ["ttbr-then-asid", "asid-then-ttbr", "reserved-asid", "reserved-ttbr0", "atomic"];

/** Every operation a step program yields, feeding it 0 back (a register write or barrier yields nothing). */
function ops(g: Generator<Op, void, number>): Op[] {
  const out: Op[] = [];
  for (let r = g.next(0); !r.done; r = g.next(0)) out.push(r.value);
  return out;
}

/** A step as text: "ttbr0=X", "asid=N", "ttbr0=X+asid=N" (one write), "isb". */
function step(x: Op | SimEvent): string {
  const regs = (r: object): string =>
    Object.entries(r)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join("+");
  if ("k" in x) return x.k === "reg" ? regs(x.regs) : x.k;
  if (x.type === "barrier") return x.kind;
  if (x.type === "reg.write") return regs(x.regs);
  return x.type;
}

/** What each sequence is documented to do for table T and ASID 5 (switch-sequence.ts and its sources). */
const DOCUMENTED: Record<SwitchSequence, string[]> = {
  // proc-v6.S cpu_v6_switch_mm: TTBR0, then CONTEXTIDR, no reserved step.
  "ttbr-then-asid": ["ttbr0=T", "asid=5", "isb"],
  // The naive order: the new ASID is live while the old table is loaded.
  "asid-then-ttbr": ["asid=5", "isb", "ttbr0=T", "isb"],
  // proc-v7.S cpu_v7_switch_mm; Cortex-A15 TRM Example 5-1.
  "reserved-asid": ["asid=0", "isb", "ttbr0=T", "isb", "asid=5", "isb"],
  // cpu_set_reserved_ttbr0: the swapper tables while the ASID changes.
  "reserved-ttbr0": [`ttbr0=${RESERVED_TTBR0}`, "isb", "asid=5", "isb", "ttbr0=T", "isb"],
  // LPAE / arm64: one TTBR write carries both.
  atomic: ["ttbr0=T+asid=5", "isb"],
};

describe("switch sequences, step by step", () => {
  it.each(SEQUENCES)("%s yields its documented writes in order", (seq) => {
    expect(ops(switchSequence(seq, "T", 5)).map(step)).toEqual(DOCUMENTED[seq]);
  });

  it("reserved-ttbr0 skips the swapper write when the caller already made it (3.x check_and_switch_context)", () => {
    expect(ops(switchSequence("reserved-ttbr0", "T", 5, true)).map(step)).toEqual(["asid=5", "isb", "ttbr0=T", "isb"]);
  });

  it("the other sequences ignore reservedDone", () => {
    for (const seq of SEQUENCES.filter((s) => s !== "reserved-ttbr0")) {
      expect(ops(switchSequence(seq, "T", 5, true)).map(step), seq).toEqual(DOCUMENTED[seq]);
    }
  });

  it("only reserved-asid and reserved-ttbr0 never have a user table and a non-zero ASID of different mms loaded", () => {
    // Replays each sequence from (TTBR0 = table P, ASID 3 of mm P) to (T, 5) and lists the mixed states
    // a speculative walk could see in between: the hazard ARM ARM B3.10.4 describes.
    const mixed = (seq: SwitchSequence): string[] => {
      const regs: { ttbr0: string; asid: number } = { ttbr0: "P", asid: 3 };
      const out: string[] = [];
      for (const op of ops(switchSequence(seq, "T", 5))) {
        if (op.k !== "reg") continue;
        Object.assign(regs, op.regs);
        const user = regs.ttbr0 !== RESERVED_TTBR0;
        const match = (regs.ttbr0 === "P" && regs.asid === 3) || (regs.ttbr0 === "T" && regs.asid === 5);
        if (user && regs.asid !== 0 && !match) out.push(`${regs.ttbr0}/${regs.asid}`);
      }
      return out;
    };
    expect(Object.fromEntries(SEQUENCES.map((s) => [s, mixed(s)]))).toEqual({
      "ttbr-then-asid": ["T/3"],
      "asid-then-ttbr": ["P/5"],
      "reserved-asid": [],
      "reserved-ttbr0": [],
      atomic: [],
    });
  });
});

describe("switch sequences in a run", () => {
  it.each(SEQUENCES)(
    "every switch under %s writes the documented registers between the pick and the task's first access",
    async (seq) => {
      // linux-3.10 with 8-bit ASIDs: no roll-over, so nothing but the switch touches the registers.
      const scenario = load({
        id: `switch-${seq}`,
        cores: 2,
        asidBits: 8,
        allocator: "linux-3.10",
        switchSequence: seq,
        mms: 3,
        slices: 3,
      });
      let switches = 0;
      for (const seed of [1, 2]) {
        const r = await run(scenario, seed);
        expect(r.outcome.violation, where(scenario, seed, r)).toBeNull();
        for (const c of [0, 1]) {
          const mine = onCore(r.events, c);
          mine.forEach((pick, i) => {
            if (pick.type !== "sched.pick") return;
            // Up to the task's first access (or its exit: its last pick finds the script done).
            const stop = new Set(["tlb.hit", "tlb.fill", "mmu.fault", "task.exit", "sched.yield", "sched.pick"]);
            const end = mine.findIndex((e, j) => j > i && stop.has(e.type));
            const window = mine.slice(i + 1, end < 0 ? mine.length : end);
            const assign = window.find(is("asid.assign"));
            // switch_mm(prev, next) switches nothing when the core already runs next's mm (prev == next).
            const prev = mine.slice(0, i).reverse().find(is("asid.assign"));
            if (!assign && prev?.mm === pick.mm) return;
            expect(assign, `switch at event ${pick.seq}`).toBeDefined();
            const steps = window
              .filter((e) => e.type === "barrier" || (e.type === "reg.write" && !("irqOn" in e.regs)))
              .map(step);
            const expected = ops(switchSequence(seq, pick.mm, assign!.asid)).map(step);
            expect(steps, `${where(scenario, seed, r)}: switch to ${pick.mm} at event ${pick.seq} on core ${c}`).toEqual(
              expected,
            );
            switches++;
          });
        }
      }
      expect(switches).toBeGreaterThan(6);
    },
  );
});

describe("asid-switch-no-reserved, pinned schedule", () => {
  it("exits 1 naming the stale entry", () => {
    const r = cli(["run", "asid-switch-no-reserved", "--schedule", PINNED, "--no-log"]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/VIOLATION of translation-coherence at event \d+/);
    expect(r.stdout).toContain("filled at event");
    expect(r.stdout).toContain("VA 0x8000");
    expect(r.stderr).toBe("");
  });

  it("the stale entry was filled by a speculative walk between the ASID write and the TTBR0 write", async () => {
    const scenario = builtin("asid-switch-no-reserved");
    const r = await run(scenario, scenario.schedule.seed, PINNED);
    const v = r.outcome.violation;
    expect(v?.invariant).toBe("translation-coherence");
    const filledAt = Number(/filled at event (\d+)/.exec(v!.message)?.[1]);
    const fill = r.events[filledAt];
    expect(fill).toMatchObject({ type: "tlb.fill", spec: true, va: 0x8000 });
    if (fill?.type !== "tlb.fill") return;
    const core = fill.core;
    // The hit that broke coherence used that very entry.
    const hit = r.events[v!.at];
    expect(hit).toMatchObject({ type: "tlb.hit", core, va: 0x8000 });
    // Just before the fill: the new mm's ASID was loaded, the old mm's table not yet replaced.
    const before = fold(scenario, r.events.slice(0, filledAt), () => {}).cores[core]!;
    expect(before.regs.asid).toBe(fill.entry.asid);
    expect(before.regs.ttbr0).toBe(fill.entry.table);
    const b = { mm: before.ctx?.mm };
    expect(b.mm).toBeDefined();
    expect(b.mm).not.toBe(fill.entry.table); // the ASID is the one assigned to the mm being switched to
    const next = onCore(r.events, core).find((e) => e.seq > filledAt && e.type === "reg.write" && e.regs.ttbr0 !== undefined);
    expect(next).toMatchObject({ type: "reg.write", regs: { ttbr0: b.mm } });
    expect(v!.message).toContain(`filled at event ${filledAt} under ASID ${fill.entry.asid}`);
    expect(v!.message).toContain(`from table ${fill.entry.table}`);
  });

  it("is clean under --set kernel.switchSequence=reserved-asid", () => {
    const r = cli([
      "run",
      "asid-switch-no-reserved",
      "--schedule",
      PINNED,
      "--set",
      "kernel.switchSequence=reserved-asid",
      "--no-log",
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("verdict: clean");
  });

  it("--json reports the same violation", () => {
    const r = cli(["run", "asid-switch-no-reserved", "--schedule", PINNED, "--no-log", "--json"]);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout) as { verdict: string; violation: { invariant: string; message: string } | null };
    expect(j.violation?.invariant).toBe("translation-coherence");
    expect(j.violation?.message).toMatch(/VA 0x8000 filled at event \d+/);
  });
});
