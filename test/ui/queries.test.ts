/**
 * The viewer's whole-log questions through the API (issue 16, items 3 and 5): the filtered event list
 * and its next / previous match against a brute-force filter, stepping over choice events as the
 * debugger does, why, watch and the density overview; bad questions are 400 with the reason.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Density, ListAnswer, WatchAnswer, WhyAnswer } from "../../src/ui/protocol.js";
import { answer } from "../../src/ui/routes.js";
import { modelOf, runOf } from "./model-helpers.js";

const q = (s: string): URLSearchParams => new URLSearchParams(s);
const run = runOf("tlb-shootdown-munmap-local-only", 9);
const m = modelOf(run);
const events = run.events;
function ask<T>(path: string, query: string, _as?: T): T {
  const r = answer(m, path, q(query));
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as T;
}

describe("the event list", () => {
  it("lists the events a filter matches, nearest first, in either direction", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("type=tlb.fill", "core=1", "va=0x8000", "asid=1", "tlbi", "type=reg.write core=0", ""),
        fc.nat(events.length - 1),
        fc.constantFrom(1, -1),
        (filter, from, dir) => {
          const l = ask<ListAnswer>("/api/list", `q=${encodeURIComponent(filter)}&from=${from}&dir=${dir}`);
          const pred = filter ? m.queries["tl"].predicate(filter) : (e: { type: string }) => e.type !== "choice";
          const want = events.filter((e) => (dir > 0 ? e.seq >= from : e.seq <= from) && pred(e)).map((e) => e.seq);
          expect(l.matches.map((e) => e.seq)).toEqual(dir > 0 ? want : want.reverse());
          expect(l.resume).toBeNull();
        },
      ),
      { numRuns: 60, seed: 16 },
    );
  });

  it("answers a filter it cannot read with 400 and the reason", () => {
    const r = answer(m, "/api/list", q("q=colour%3Dblue"));
    expect(r.status).toBe(400);
    expect((r.body as { error: string }).error).toMatch(/unknown key "colour"/);
    expect(answer(m, "/api/list", q("q=&dir=2")).status).toBe(400);
  });
});

describe("stepping", () => {
  it("passes over scheduler choice events unless asked for them, and stops at the ends", () => {
    for (let at = 0; at <= events.length; at++) {
      const next = ask<{ at: number }>("/api/step", `at=${at}&by=1`).at;
      if (at === events.length) expect(next).toBe(at);
      else {
        expect(events[next - 1]!.type).not.toBe("choice");
        expect(events.slice(at, next - 1).every((e) => e.type === "choice")).toBe(true);
      }
      expect(ask<{ at: number }>("/api/step", `at=${at}&by=1&choices=1`).at).toBe(Math.min(events.length, at + 1));
    }
    expect(ask<{ at: number }>("/api/step", "at=3&by=-100").at).toBe(0);
    expect(answer(m, "/api/step", q("at=3&by=x")).status).toBe(400);
  });
});

describe("why, watch and density", () => {
  it("why names the fill behind the entry the violating access used", () => {
    const v = run.outcome.violation!;
    const w = ask<WhyAnswer>("/api/why", `at=${v.at + 1}&core=1&va=0x8000`);
    expect(w.lines[0]).toMatch(/^why core 1 VA 0x8000 at #\d+/);
    expect(w.lines.join("\n")).toMatch(/filled by #\d+/);
    expect(answer(m, "/api/why", q("at=1&core=9&va=0x8000")).status).toBe(400);
    expect(answer(m, "/api/why", q("at=1&core=0&va=zz")).status).toBe(400);
  });

  it("watch finds the next change of a value and moves nowhere itself", () => {
    const w = ask<WatchAnswer>("/api/watch", "expr=core%201%20asid&at=0&dir=1");
    expect(w.hit).not.toBeNull();
    expect(events[w.hit!.seq]!.core).toBe(1);
    expect(answer(m, "/api/watch", q("expr=nonsense%20here&at=0")).status).toBe(400);
  });

  it("density counts every event but the choices, once, over the whole log", () => {
    for (const buckets of [1, 7, 400]) {
      const d = ask<Density>("/api/density", `buckets=${buckets}`);
      const total = Object.values(d.types)
        .flat()
        .reduce((a, b) => a + b, 0);
      expect(total).toBe(events.filter((e) => e.type !== "choice").length);
      expect(d.buckets).toBeLessThanOrEqual(buckets);
      expect(d.types["choice"]).toBeUndefined();
    }
    expect(answer(m, "/api/density", q("buckets=0")).status).toBe(400);
  });
});
