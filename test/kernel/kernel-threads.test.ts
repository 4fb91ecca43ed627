/**
 * Kernel threads run lazily on the mm loaded before them (context_switch: next->active_mm = oldmm;
 * enter_lazy_tlb, kernel/sched.c v2.6.36): every ARM kernel does, so there is no other path to choose.
 */
import { describe, expect, it } from "vitest";
import { readScenario, ScenarioError } from "../../scenarios/index.js";
import { run } from "./kernel-helpers.js";

const raw = (kernel: Record<string, unknown> = {}) => ({
  id: "kthread",
  machine: { cores: 1 },
  tables: { kernel: { "0xc0008000": { pa: "0x80008000" } }, A: { "0x8000": { pa: "0x10000" } } },
  kernel: { asidAllocator: "static", scheduler: "round-robin", ...kernel },
  tasks: [
    { id: "A", mm: "A", script: [{ op: "read", va: "0x8000" }, { op: "yield" }, { op: "read", va: "0x8000" }] },
    {
      id: "kworker",
      mm: "kernel",
      script: [{ op: "read", va: "0xc0008000" }, { op: "yield" }, { op: "read", va: "0xc0008000" }],
    },
  ],
});

describe("kernel threads", () => {
  it("borrow the previous mm: no register write from the kernel thread's pick to its slice's end, its kernel reads through A's tables", async () => {
    const r = await run(readScenario(raw(), "t"), 1);
    expect(r.outcome.violation).toBeNull();
    let inKthread = false;
    let reads = 0;
    for (const ev of r.events) {
      if (ev.type === "sched.pick") inKthread = ev.task === "kworker";
      if (!inKthread) continue;
      expect(ev.type).not.toBe("reg.write");
      if (ev.type === "tlb.fill" || ev.type === "tlb.hit") reads++;
      if (ev.type === "tlb.fill") expect(ev.entry.table).toBe("A");
    }
    expect(reads).toBe(2);
  });

  it("have no non-lazy mode: kernel.lazyTlb is not a field", () => {
    expect(() => readScenario(raw({ lazyTlb: false }), "t.json")).toThrow(ScenarioError);
    expect(() => readScenario(raw({ lazyTlb: false }), "t.json")).toThrow(/kernel\.lazyTlb/);
  });
});
