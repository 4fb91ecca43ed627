/** The debugger's `why N VAR`: which write a read took, and the newer one a stale read did not see. */
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../scenarios/index.js";
import { whyReadView } from "../../src/cli/debug/why-read.js";
import { ScheduleChooser } from "../../src/engine/chooser.js";
import { decodeSchedule } from "../../src/engine/schedule.js";
import { builtin, fifo, runWith } from "../support/sim.js";

describe("why N VAR", () => {
  it("names the write a stale read took and the newest write it did not see", () => {
    const sc = loadScenario("a15-vmid-armv8-no-barriers").scenario;
    const r = runWith(sc, { chooser: new ScheduleChooser(decodeSchedule(sc.schedule.choices!), fifo(), true) });
    const stale = r.events.find((e) => e.type === "var.read" && e.newest !== undefined && e.name === "vm1.arch.vttbr");
    expect(stale).toBeDefined();
    const out = whyReadView(r.events, r.events.length, stale!.core, "vm1.arch.vttbr").join("\n");
    expect(out).toContain("it read the value at boot");
    expect(out).toMatch(/did not see the newest, #\d+ \(t=\d+, core 0\): write vm1\.arch\.vttbr ← 1, reached memory at #\d+/);
  });

  it("says a read under sc took the newest value", () => {
    const r = runWith(builtin("a15-vmid-small"));
    const read = r.events.find((e) => e.type === "var.read")!;
    const name = (read as { name: string }).name;
    expect(whyReadView(r.events, read.seq + 1, read.core, name).join("\n")).toContain("sc memory model");
  });
});
