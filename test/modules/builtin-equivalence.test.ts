/**
 * Each module interface is complete: the example module in test/fixtures/ that re-implements a built-in
 * (context switch, TLB flush, VMID allocator, world switch) gives the built-in's log, event line for
 * event line, on the same scenario, seed and strategy. Only the header differs (it names the module).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { builtinScenarios, readScenario } from "../../scenarios/index.js";
import type { StrategyName } from "../../src/engine/chooser.js";
import { runScenario } from "../../src/run/run-scenario.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures");
const dir = mkdtempSync(join(tmpdir(), "smpsim-modules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The built-in scenario `id`, its raw form changed by `edit`. */
function scenario(id: string, edit: (raw: Record<string, any>) => void = () => {}) {
  const raw = structuredClone(builtinScenarios.find((s) => s.id === id)!.raw) as Record<string, any>;
  edit(raw);
  return readScenario(raw, `built-in scenario ${id}`);
}

async function eventLines(s: ReturnType<typeof scenario>, seed: number, strategy: StrategyName, name: string) {
  const path = join(dir, `${name}.log`);
  const r = await runScenario({ scenario: s, baseDir: dir, seed, strategy, log: { path, force: true } });
  const lines = readFileSync(path, "utf8").split("\n");
  return { outcome: `${r.outcome.reason} ${r.outcome.violation?.invariant ?? ""}`, events: lines.slice(1, lines.length - 2) };
}

/** `same` edits the built-in's scenario too (a variant of a built-in scenario). */
const CASES: {
  module: string;
  field: (raw: Record<string, any>, path: string) => void;
  scenarios: string[];
  same?: (raw: Record<string, any>) => void;
  label?: string;
}[] = [
  {
    module: "context-switch-module.mjs",
    field: (r, p) => (r.kernel = { ...r.kernel, switchMm: p }),
    scenarios: ["default", "asid-small-ipi", "asid-rollover-generation", "asid-switch-no-reserved", "kvm-armv6-flush"],
  },
  {
    module: "tlb-flush-module.mjs",
    field: (r, p) => (r.kernel = { ...r.kernel, tlbFlush: p }),
    scenarios: ["default", "tlb-shootdown-munmap", "tlb-shootdown-munmap-local-only"],
  },
  // The IPI shootdown (ARM11MPCore's on_each_cpu_mask) through the module's own IPI handler.
  {
    module: "tlb-flush-module.mjs",
    field: (r, p) => {
      r.kernel = { ...r.kernel, tlbFlush: p };
      for (const t of r.tasks) for (const op of t.script) if (op.op === "unmap") op.shootdown = "ipi";
    },
    scenarios: ["tlb-shootdown-munmap"],
    same: (r) => {
      for (const t of r.tasks) for (const op of t.script) if (op.op === "unmap") op.shootdown = "ipi";
    },
  },
  // flush_tlb_range (unmap of 2 pages) and, from MAX_TLBI_OPS pages on, flush_tlb_mm, through the module's entry points.
  ...(["broadcast", "ipi", "local"] as const).flatMap((how) =>
    [2, 512].map((pages) => {
      const unmapRange = (r: Record<string, any>) => {
        for (const t of r.tasks) for (const op of t.script) if (op.op === "unmap") Object.assign(op, { shootdown: how, pages });
      };
      return {
        module: "tlb-flush-module.mjs",
        field: (r: Record<string, any>, p: string) => {
          r.kernel = { ...r.kernel, tlbFlush: p };
          unmapRange(r);
        },
        scenarios: ["tlb-shootdown-munmap"],
        same: unmapRange,
        label: `${how}, ${pages} pages`,
      };
    }),
  ),
  {
    module: "vmid-allocator-module.mjs",
    field: (r, p) => (r.hyp = { ...r.hyp, vmidAllocator: p }),
    scenarios: ["a15-vmid-small-5.16"],
  },
  {
    module: "world-switch-module.mjs",
    field: (r, p) => (r.hyp = { ...r.hyp, worldSwitch: p }),
    scenarios: ["a15-vmid-small", "a15-vmid-small-5.16", "a15-vmid-rollover", "a15-vmid-publish-race"],
  },
];

describe("a user module reproduces the built-in it re-implements", () => {
  for (const c of CASES) {
    for (const id of c.scenarios) {
      it(`${c.module} gives ${id}${c.same ? ` (variant${c.label ? `: ${c.label}` : ""})` : ""}'s log byte for byte`, async () => {
        for (const [seed, strategy] of [
          [1, "random"],
          [2, "random"],
          [1, "fifo"],
        ] as const) {
          const built = await eventLines(scenario(id, c.same), seed, strategy, `${id}-b`);
          const mod = await eventLines(
            scenario(id, (r) => c.field(r, join(FIXTURES, c.module))),
            seed,
            strategy,
            `${id}-m`,
          );
          expect(mod.outcome).toBe(built.outcome);
          expect(mod.events.length).toBe(built.events.length);
          expect(mod.events.join("\n")).toBe(built.events.join("\n"));
        }
      });
    }
  }
});
