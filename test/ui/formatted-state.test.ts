/** The viewer's state comes with the debugger's text of it: one formatter for both. */
import { describe, expect, it } from "vitest";
import { coreView, stateView } from "../../src/views/machine-views.js";
import { goToError } from "../../src/ui/web/goto.js";
import { modelOf, runOf } from "./model-helpers.js";

describe("/api/state", () => {
  it("carries each core and the machine as the debugger prints them", () => {
    const r = runOf("kvm-armv6-global-kernel");
    const m = modelOf(r);
    const at = Math.floor(r.events.length / 2);
    const v = m.state(at);
    const s = m.stateAt(at);
    expect(v.text!.cores).toEqual(s.cores.map((_, c) => coreView(s, c, r.scenario)));
    expect(v.text!.machine).toEqual(stateView(s, r.scenario));
    expect(v.text!.cores[0]!.join("\n")).toMatch(/context [\s\S]*VTTBR /);
    expect(v.text!.cores.flat().join("\n")).not.toMatch(/irqOn|ttbcrSplit|4294905856/);
  });
});

describe("go to", () => {
  it("rejects what is not an event of the log, saying why", () => {
    expect(goToError("#12", 100)).toBeNull();
    expect(goToError("1,000", 2000)).toBeNull();
    expect(goToError("100", 100)).toBe("no event #100 (the log has #0 to #99)");
    expect(goToError("-3", 100)).toBe('"-3" is not an event number');
    expect(goToError("abc", 100)).toBe('"abc" is not an event number');
  });
});
