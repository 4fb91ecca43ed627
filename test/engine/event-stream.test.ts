/** The event stream: observers subscribe to a run's events instead of the engine calling each one. */
import { filter } from "rxjs";
import { describe, expect, it } from "vitest";
import { EventStream } from "../../src/engine/event-stream.js";

describe("the event stream", () => {
  it("gives every event to every observer, in subscription order", () => {
    const s = new EventStream<number>();
    const seen: string[] = [];
    s.subscribe((v) => seen.push(`a${v}`));
    s.subscribe({ next: (v) => seen.push(`b${v}`) });
    s.next(1);
    s.next(2);
    expect(seen).toEqual(["a1", "b1", "a2", "b2"]);
  });

  it("stops giving events to an observer that unsubscribed", () => {
    const s = new EventStream<number>();
    const seen: number[] = [];
    const sub = s.subscribe((v) => seen.push(v));
    s.next(1);
    sub.unsubscribe();
    s.next(2);
    expect(seen).toEqual([1]);
  });

  it("lets an observer's exception reach the code that recorded the event, at once", () => {
    const s = new EventStream<number>();
    s.subscribe(() => {
      throw new Error("log write failed");
    });
    expect(() => s.next(1)).toThrow("log write failed");
  });

  it("is an rxjs Observable for operators", () => {
    const s = new EventStream<number>();
    const seen: number[] = [];
    const sub = s
      .asObservable()
      .pipe(filter((v) => v % 2 === 1))
      .subscribe((v) => seen.push(v));
    for (let i = 0; i < 5; i++) s.next(i);
    sub.unsubscribe();
    expect(seen).toEqual([1, 3]);
  });
});
