/**
 * The armv8 view machine (src/memory/views.ts) on the classic shapes: what a read may take, and what
 * barriers, acquires, locks and store buffers forbid. Each expectation is the ARMv8 verdict of the
 * litmus test named (test/litmus/expected.txt), restricted to what a model without promises produces.
 */
import { describe, expect, it } from "vitest";
import { ArmMemory } from "../../src/memory/views.js";

/** The values core `c` may read for `name` now (newest first). */
const values = (m: ArmMemory, c: number, name: string, ord: "relaxed" | "acquire" = "relaxed"): number[] =>
  m.candidates(c, name, 0, ord, false).map((w) => w.value);

/** Core `c` reads `name` taking the write with value `v`. */
function readValue(m: ArmMemory, c: number, name: string, v: number, ord: "relaxed" | "acquire" = "relaxed"): void {
  const w = m.candidates(c, name, 0, ord, false).find((x) => x.value === v);
  if (!w) throw new Error(`core ${c} cannot read ${name}=${v}`);
  m.read(c, name, w, ord, false);
}

let seq = 0;
/** A write that reaches memory at once (as after a drain). */
const store = (m: ArmMemory, c: number, name: string, v: number, ord: "relaxed" | "release" = "relaxed"): number =>
  m.write(c, name, 0, v, seq++, ord);

describe("the armv8 view machine", () => {
  it("lets a reader without barriers see y's new value and x's old one (MP: allowed)", () => {
    const m = new ArmMemory(2);
    store(m, 0, "x", 1);
    store(m, 0, "y", 1);
    readValue(m, 1, "y", 1);
    expect(values(m, 1, "x")).toEqual([1, 0]);
  });

  it("forbids the stale x after DMB LD on the reader (MP+po+dmb.ld with ordered stores)", () => {
    const m = new ArmMemory(2);
    store(m, 0, "x", 1);
    store(m, 0, "y", 1);
    readValue(m, 1, "y", 1);
    m.dmb(1, "ld");
    expect(values(m, 1, "x")).toEqual([1]);
  });

  it("forbids it after an acquire read of y (MP+po+acq)", () => {
    const m = new ArmMemory(2);
    store(m, 0, "x", 1);
    store(m, 0, "y", 1);
    readValue(m, 1, "y", 1, "acquire");
    expect(values(m, 1, "x")).toEqual([1]);
  });

  it("forbids it after an ISB, every read counting as a control dependency (MP+po+ctrlisb)", () => {
    const m = new ArmMemory(2);
    store(m, 0, "x", 1);
    store(m, 0, "y", 1);
    readValue(m, 1, "y", 1);
    m.isb(1);
    expect(values(m, 1, "x")).toEqual([1]);
  });

  it("orders a read before an arm64 spin_lock with a read after it only through the lock word (acquire)", () => {
    const m = new ArmMemory(2);
    store(m, 0, "x", 1);
    store(m, 0, "y", 1);
    readValue(m, 1, "y", 1);
    m.lock(1, "L");
    expect(values(m, 1, "x")).toEqual([1, 0]);
  });

  it("orders them on 32-bit ARM, whose arch_spin_lock ends with smp_mb() (fenced locks)", () => {
    const m = new ArmMemory(2, true);
    store(m, 0, "x", 1);
    store(m, 0, "y", 1);
    readValue(m, 1, "y", 1);
    m.lock(1, "L");
    expect(values(m, 1, "x")).toEqual([1]);
  });

  it("never lets a core read an older write of a location after a newer one (CoRR: forbidden)", () => {
    const m = new ArmMemory(2);
    store(m, 0, "x", 1);
    store(m, 0, "x", 2);
    expect(values(m, 1, "x")).toEqual([2, 1, 0]);
    readValue(m, 1, "x", 1);
    expect(values(m, 1, "x")).toEqual([2, 1]);
  });

  it("makes a core read its own write or a newer one (CoWR: forbidden to read the older)", () => {
    const m = new ArmMemory(2);
    store(m, 1, "x", 1);
    store(m, 0, "x", 2);
    expect(values(m, 1, "x")).toEqual([2, 1]);
  });

  it("lets both cores of SB read the initial values, and DMB on both forbids it", () => {
    const m = new ArmMemory(2);
    store(m, 0, "x", 1);
    store(m, 1, "y", 1);
    expect(values(m, 0, "y")).toContain(0);
    expect(values(m, 1, "x")).toContain(0);
    m.dmb(0, "full");
    m.dmb(1, "full");
    // Core 0's DMB comes after its write (t1) only: y's write (t2) is still newer than its view. One of
    // the two must see the other's store: core 1's view includes t2 > t1, so it sees x = 1.
    expect(values(m, 1, "x")).toEqual([1]);
  });

  it("orders a critical section after the previous holder's (spin_lock acquire, spin_unlock release)", () => {
    const m = new ArmMemory(2);
    m.lock(0, "l");
    store(m, 0, "x", 1);
    m.unlock(0, "l");
    m.lock(1, "l");
    expect(values(m, 1, "x")).toEqual([1]);
  });

  it("hands an IPI's receiver what its sender had seen (llist_add, csd_unlock)", () => {
    const m = new ArmMemory(2);
    store(m, 0, "x", 1);
    expect(values(m, 1, "x")).toEqual([1, 0]);
    m.send(0, 7);
    m.receive(1, 7);
    expect(values(m, 1, "x")).toEqual([1]);
  });

  it("keeps buffered stores of one location in order but lets two locations reach memory in either order", () => {
    const m = new ArmMemory(2);
    m.bufferWrite(0, { name: "x", value: 1, boot: 0, seq: 1 });
    m.bufferWrite(0, { name: "x", value: 2, boot: 0, seq: 2 });
    m.bufferWrite(0, { name: "y", value: 1, boot: 0, seq: 3 });
    expect(m.ready(0).map((w) => `${w.name}=${w.value}`)).toEqual(["x=1", "y=1"]);
    expect(m.buffered(0, "x")?.value).toBe(2);
    expect(m.buffered(1, "x")).toBeUndefined();
    // y first: another core sees y = 1 while x is still 0 (MP with plain stores: allowed).
    m.propagate(0, m.ready(0)[1]!);
    readValue(m, 1, "y", 1);
    m.dmb(1, "full");
    expect(values(m, 1, "x")).toEqual([0]);
  });
});
