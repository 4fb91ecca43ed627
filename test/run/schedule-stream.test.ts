/**
 * A run's schedule encoded as its choices happen is the string encodeSchedule gives for all the picks;
 * without keeping it all, the head and the length are still that string's.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeSchedule } from "../../src/engine/schedule.js";
import { ScheduleStream } from "../../src/run/schedule-stream.js";

const somePicks = fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 100 })), { maxLength: 3000 });

describe("the streamed schedule", () => {
  it("is encodeSchedule's string, kept whole or as its head and length", () => {
    fc.assert(
      fc.property(somePicks, (picks) => {
        const whole = new ScheduleStream(true);
        const head = new ScheduleStream(false);
        for (const p of picks) {
          whole.add(p);
          head.add(p);
        }
        const expected = encodeSchedule(picks);
        expect(whole.finish()).toEqual({ schedule: expected, length: expected.length });
        const h = head.finish();
        expect(h.length).toBe(expected.length);
        expect(h.schedule).toBe(expected.slice(0, 256));
        expect(whole.picks).toBe(picks.length);
      }),
      { numRuns: 200 },
    );
  });
});
