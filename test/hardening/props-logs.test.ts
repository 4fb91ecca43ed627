/**
 * Hardening properties, part 2 (issue 15, "Acceptance"): damaged logs through the CLI in-process (every
 * truncation offset of a small log, byte flips, line deletions and swaps, header and footer edits) and
 * runs stopped by SIGKILL (a handful of real processes). `replay --verify` never exits 0 on a log whose
 * bytes were changed; a stopped run leaves no target or a complete one.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { parseLog } from "../../src/log/reader.js";
import { readLog } from "../../src/log/reader.js";
import { BIN } from "../kernel/kernel-helpers.js";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smpsim, tempDir } from "./inproc.js";
import { CLASS_TIMEOUT, RUNS, contract, fresh, mutate, mutation, opts, tiny, write, type Json } from "./props-support.js";

const { dir, cleanup } = tempDir("props");
afterAll(cleanup);

const smallFile = join(dir, "small.json");
const smallLog = join(dir, "small.log");
let logText = "";

beforeAll(async () => {
  writeFileSync(smallFile, JSON.stringify(tiny));
  const r = await smpsim(["run", smallFile, "--log", smallLog, "--seed", "3"]);
  expect(r.status, r.stderr).toBe(0);
  logText = readFileSync(smallLog, "utf8");
});

// ---- damaged logs ---------------------------------------------------------------------------------------

describe("damaged logs", () => {
  it(
    "every truncation offset of a small log: the reader gives a prefix or names the line; replay and --verify (sampled) keep the contract",
    async () => {
      const bytes = Buffer.from(logText, "utf8");
      expect(bytes.length).toBeGreaterThanOrEqual(2000);
      const full = parseLog(logText, "full.log");
      // Every offset, through the one parser in-process (what every command reads with).
      for (let cut = 0; cut <= bytes.length; cut++) {
        let log;
        try {
          log = parseLog(bytes.subarray(0, cut).toString("utf8"), "cut.log");
        } catch (e) {
          expect((e as Error).message, `cut at ${cut}`).toMatch(/^cut\.log: line \d+: /);
          continue;
        }
        const n = log.events.length;
        expect(
          n <= full.events.length && (n === 0 || JSON.stringify(log.events[n - 1]) === full.lines[n - 1]),
          `cut at ${cut}`,
        ).toBe(true);
        expect(log.footer === null, `cut at ${cut}`).toBe(cut < bytes.length - 1);
      }
      // A spread of RUNS / 4 offsets through the CLI (the parser above saw every one), every fourth verified too.
      const step = Math.max(1, Math.floor((4 * bytes.length) / RUNS));
      let n = 0;
      for (let cut = 0; cut < bytes.length; cut += step) {
        const f = fresh(dir, "log");
        writeFileSync(f, bytes.subarray(0, cut));
        contract(await smpsim(["replay", f]), f, `cut at ${cut}`);
        if (n++ % 4 === 0) {
          const v = await smpsim(["replay", "--verify", f]);
          contract(v, f, `verify cut at ${cut}`);
          // Cut anywhere but after the footer's last brace: something is missing, so not verified.
          if (cut < bytes.length - 1) expect(v.status, `verify cut at ${cut}: ${v.stdout}`).not.toBe(0);
        }
        rmSync(f);
      }
    },
    CLASS_TIMEOUT,
  );

  const changed = async (text: string, what: string): Promise<void> => {
    if (text === logText) return;
    const f = write(dir, text);
    const r = await smpsim(["replay", "--verify", f]);
    contract(r, f, what);
    expect(r.status, `${what}\n${r.stdout}`).not.toBe(0);
    rmSync(f);
  };

  it(
    "random byte flips never verify",
    async () => {
      const bytes = Buffer.from(logText, "utf8");
      await fc.assert(
        fc.asyncProperty(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), async (at, x) => {
          const b = Buffer.from(bytes);
          b[at] = b[at]! ^ x;
          await changed(b.toString("utf8"), `byte ${at} ^ ${x}`);
        }),
        opts(),
      );
    },
    CLASS_TIMEOUT,
  );

  it(
    "line deletions and swaps never verify",
    async () => {
      const lines = logText.split("\n").slice(0, -1);
      await fc.assert(
        fc.asyncProperty(fc.nat(lines.length - 1), fc.nat(lines.length - 1), fc.boolean(), async (i, j, swap) => {
          const l = lines.slice();
          if (swap) [l[i], l[j]] = [l[j]!, l[i]!];
          else l.splice(i, 1);
          await changed(l.join("\n") + "\n", swap ? `swap lines ${i + 1} and ${j + 1}` : `delete line ${i + 1}`);
        }),
        opts(),
      );
    },
    CLASS_TIMEOUT,
  );

  it(
    "header and footer edits never verify",
    async () => {
      const lines = logText.split("\n").slice(0, -1);
      const header = JSON.parse(lines[0]!) as Json;
      const footer = JSON.parse(lines.at(-1)!) as Json;
      await fc.assert(
        fc.asyncProperty(fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 2 }), async (inHeader, ms) => {
          const l = lines.slice();
          if (inHeader) l[0] = JSON.stringify(mutate(header, ms));
          else l[l.length - 1] = JSON.stringify(mutate(footer, ms));
          await changed(l.join("\n") + "\n", `${inHeader ? "header" : "footer"} ${JSON.stringify(ms)}`);
        }),
        opts(),
      );
    },
    CLASS_TIMEOUT,
  );
});

// ---- stopped runs ----------------------------------------------------------------------------------------

describe("a run stopped by SIGKILL", () => {
  it("leaves no target or a complete one (a handful of real processes)", async () => {
    for (const [i, delay] of [400, 900, 1500, 2500].entries()) {
      const target = join(dir, `killed-${i}.log`);
      const child = spawn(process.execPath, [BIN, "run", "default", "--set", "tasks.0.script.0.times=3000", "--log", target], {
        stdio: "ignore",
      });
      const exited = new Promise((r) => child.on("exit", r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill("SIGKILL");
      await exited;
      if (existsSync(target)) expect(readLog(target).footer, target).not.toBeNull();
    }
  }, 60_000);
});
