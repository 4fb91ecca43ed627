/**
 * The chunked loader agrees with the log reader (src/log/reader.ts) on every input: the same header,
 * events, footer and truncation for whole, cut and damaged logs, the same error otherwise, whatever
 * sizes the reads come in (chunk edges inside a line or inside a multi-byte character).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parseLog } from "../../src/log/reader.js";
import { loadEventLog, parseChunks, type EventLog } from "../../src/timetravel/load.js";
import { builtin, logTextOf, runWith } from "../support/sim.js";

const run = runWith(builtin("tlb-shootdown-munmap"), { seed: 5 });
// A description with multi-byte characters, so that chunk edges can split one.
run.scenario = { ...run.scenario, description: "munmap — TLB shootdown → ✓ 変換" };
const text = logTextOf(run);
const bytes = Buffer.from(text, "utf8");

type Outcome = { ok: Omit<EventLog, "header"> & { header: unknown } } | { error: string };

function viaReader(t: string): Outcome {
  try {
    const { header, events, footer, truncated } = parseLog(t, "x.log");
    return { ok: { header, events, footer, truncated } };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The loader, fed `sizes` bytes per read (cycling), over the bytes of `t`. */
function viaChunks(t: string | Buffer, sizes: number[] = [1 << 20]): Outcome {
  const b = typeof t === "string" ? Buffer.from(t, "utf8") : t;
  let at = 0;
  let i = 0;
  try {
    const log = parseChunks("x.log", (buf) => {
      const n = Math.min(sizes[i++ % sizes.length]!, b.length - at, buf.length);
      b.copy(buf, 0, at, at + n);
      at += n;
      return n;
    });
    return { ok: log };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const dir = mkdtempSync(join(tmpdir(), "smpsim-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadEventLog", () => {
  it("loads a whole log as the reader does", () => {
    const path = join(dir, "a.log");
    writeFileSync(path, text);
    const log = loadEventLog(path);
    expect(log.events).toEqual(run.events);
    expect(log.truncated).toBeNull();
    expect(log.footer?.end.events).toBe(run.events.length);
    expect(viaChunks(text)).toEqual(viaReader(text));
  });

  it("says which file it cannot read", () => {
    expect(() => loadEventLog(join(dir, "missing.log"))).toThrow(/missing\.log: cannot read: ENOENT/);
  });

  it("agrees with the reader on logs cut at any byte, read in any chunk sizes (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bytes.length }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 4 }),
        (cut, sizes) => {
          const part = bytes.subarray(0, cut);
          expect(viaChunks(part, sizes)).toEqual(viaReader(part.toString("utf8")));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("agrees with the reader on damaged logs (property)", () => {
    const lines = text.split("\n");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: lines.length - 1 }),
        fc.constantFrom("", "{", "garbage", '{"end":{"events":1}}', '{"seq":0,"type":"x"}', "null", "[]"),
        fc.integer({ min: 1, max: 64 }),
        (i, junk, size) => {
          const damaged = [...lines.slice(0, i), junk, ...lines.slice(i + 1)].join("\n");
          expect(viaChunks(damaged, [size])).toEqual(viaReader(damaged));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("agrees on empty and header-only inputs", () => {
    const header = text.slice(0, text.indexOf("\n") + 1);
    for (const t of ["", "\n", "x", header, header.trimEnd(), header + "\n", `${header}{"seq":0`]) {
      expect(viaChunks(t, [3]), JSON.stringify(t.slice(0, 20))).toEqual(viaReader(t));
    }
  });
});
