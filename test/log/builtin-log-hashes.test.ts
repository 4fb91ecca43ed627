/**
 * The logs of every built-in scenario, pinned by hash: a refactoring (moved files, the event spec table,
 * the bus) must leave every byte of every log as it was. A change to a model on purpose updates the pins
 * in the same commit, saying which scenario changed and why.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { StrategyName } from "../../src/engine/chooser.js";
import { runScenario } from "../../src/run/run-scenario.js";
import { builtin, builtinIds } from "../support/sim.js";

const dir = mkdtempSync(join(tmpdir(), "smpsim-pins-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function logHash(id: string, seed: number, strategy: StrategyName): Promise<string> {
  const path = join(dir, `${id}-${strategy}-${seed}.log`);
  await runScenario({ scenario: builtin(id), baseDir: dir, seed, strategy, log: { path, force: true } });
  // The event lines only: the header records the tool version and the scenario as given, and the
  // footer a digest of the header, which a release or a new scenario field changes without changing
  // what the model did.
  const lines = readFileSync(path, "utf8").split("\n");
  const events = lines.slice(1, lines.length - 2).map((l) => l + "\n").join("");
  return createHash("sha256").update(events).digest("hex").slice(0, 16);
}

// sha256 (first 16 hex digits) of the event lines of the log of `run <id> --seed N --strategy S`.
const PINS: Record<string, { random1: string; random2: string; fifo: string }> = {
  "default": { random1: "3751d57a59e0b9ae", random2: "9175400e0ed96112", fifo: "ccff6990e69795e2" },
  "tlb-shootdown-munmap": { random1: "f965512276373ae5", random2: "dc1b804c9aa67a55", fifo: "b0abf037a8ac08b5" },
  "tlb-shootdown-munmap-local-only": { random1: "ad521d141449479b", random2: "b8490fda4a3215ca", fifo: "2b57291ea02465e2" },
  "asid-rollover-ipi": { random1: "81a419ae23768c77", random2: "ee2226bf91cf522c", fifo: "52447623ef5a6d2a" },
  "asid-rollover-generation": { random1: "343d43d31bf62d78", random2: "fbfaa7dac17d8b78", fifo: "281fbc1a858f91bc" },
  "asid-arm64": { random1: "ec42ca2b159cab86", random2: "982d6f79cf40d1bf", fifo: "97f924642316046a" },
  "asid-small-ipi": { random1: "0927392d9e062add", random2: "88c73d1c49320029", fifo: "0909a929c9272372" },
  "asid-small-generation": { random1: "816058784eb0c9ef", random2: "e7fc1e1d37be524b", fifo: "ebaac8d172233d98" },
  "asid-small-arm64": { random1: "de86801f078f11b0", random2: "56dde1e7c4d3d3ff", fifo: "303e4c884f404743" },
  "asid-switch-no-reserved": { random1: "fa676b70f72952a2", random2: "5acdd8b66a788b50", fifo: "f536823765b7a7bc" },
  "asid-rollover-ipi-irq-window": { random1: "28b1a360f2b3adf8", random2: "d34e2198c1dcef39", fifo: "52447623ef5a6d2a" },
  "asid-rollover-ipi-speculative": { random1: "7d5f4ce2ba03b2aa", random2: "087eaa6092bbfef5", fifo: "150bd50eb724b868" },
  "kvm-armv6-global-kernel": { random1: "535b5607153f4f83", random2: "617d2a7c9a1d1181", fifo: "7d204c9de50ea8bb" },
  "kvm-armv6-flush": { random1: "6eb902c2f396b5cc", random2: "0cea8ad815e096ec", fifo: "795c103ca65265c8" },
  "kvm-armv6-nonglobal": { random1: "a121b04db05d2505", random2: "412d9e92683c30e9", fifo: "23c11daa4c4a975e" },
  "a15-vmid-rollover": { random1: "2d9d9660430dd038", random2: "5e6813cbd7dfe351", fifo: "7c1ac2a561f1866c" },
  "a15-vmid-small": { random1: "bb407edbf7fc40cf", random2: "a23697d467a85c36", fifo: "a5f1d27cdb4e6cd3" },
  "a15-vmid-small-5.16": { random1: "4180c21b41f91330", random2: "ce8d936697e6a513", fifo: "f1151f407c1a3705" },
  "a15-vmid-publish-race": { random1: "d7314a7a60120889", random2: "0f4ad3e3a1784fc4", fifo: "f57873138fe6e30f" },
};

describe("built-in scenario logs", () => {
  it("has a pin for every built-in scenario", () => {
    expect(Object.keys(PINS).sort()).toEqual([...builtinIds].sort());
  });
  for (const id of builtinIds) {
    it(`writes the same bytes for ${id} (random seeds 1 and 2, fifo)`, async () => {
      const got = { random1: await logHash(id, 1, "random"), random2: await logHash(id, 2, "random"), fifo: await logHash(id, 1, "fifo") };
      expect(got).toEqual(PINS[id]);
    });
  }
});
