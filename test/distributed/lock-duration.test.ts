/**
 * How long a worker's unit lock lasts (src/distributed/worker-process.ts): 6 s unless
 * SMPSIM_QUEUE_LOCK_MS says otherwise (the fault tests shorten it); a value that is not whole
 * milliseconds of at least 200 is refused with the variable's name.
 */
import { describe, expect, it } from "vitest";
import { LOCK_MS, lockDuration } from "../../src/distributed/worker-process.js";

describe("the unit lock's duration", () => {
  it("is 6 s by default and what SMPSIM_QUEUE_LOCK_MS says otherwise", () => {
    expect(lockDuration({})).toBe(LOCK_MS);
    expect(LOCK_MS).toBe(6000);
    expect(lockDuration({ SMPSIM_QUEUE_LOCK_MS: "" })).toBe(6000);
    expect(lockDuration({ SMPSIM_QUEUE_LOCK_MS: "1500" })).toBe(1500);
  });

  it("refuses anything but whole milliseconds from 200 up, naming the variable", () => {
    for (const bad of ["1.5", "-1000", "199", "1s", " 1000"]) {
      expect(() => lockDuration({ SMPSIM_QUEUE_LOCK_MS: bad }), bad).toThrow(
        /^SMPSIM_QUEUE_LOCK_MS: wants whole milliseconds, 200 or more, got "/,
      );
    }
  });
});
