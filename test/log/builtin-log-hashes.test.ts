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
  const events = lines
    .slice(1, lines.length - 2)
    .map((l) => l + "\n")
    .join("");
  return createHash("sha256").update(events).digest("hex").slice(0, 16);
}

// sha256 (first 16 hex digits) of the event lines of the log of `run <id> --seed N --strategy S`.
const PINS: Record<string, { random1: string; random2: string; fifo: string }> = {
  default: { random1: "3362fe931bb8b6b6", random2: "b454b34c0dcb10c4", fifo: "e071ffb9b9458189" },
  "tlb-shootdown-munmap": { random1: "52f2e666766bcf4a", random2: "57d9a696b7f72a53", fifo: "959177d390d022f9" },
  "tlb-shootdown-munmap-local-only": { random1: "28ebee385430005b", random2: "3f64b80ad53d1374", fifo: "3021993eae305020" },
  "asid-rollover-ipi": { random1: "7581f28101c3fbdb", random2: "741f77216df6311c", fifo: "839f73f825b0d237" },
  "asid-rollover-generation": { random1: "3c2c71074d27e00e", random2: "2c62d90c527132fd", fifo: "944e3bad648de180" },
  "asid-arm64": { random1: "5873b016f7c1b409", random2: "2051096355117559", fifo: "fbbefe94cbbe8369" },
  "asid-small-ipi": { random1: "58a6ceba79e5a0b8", random2: "f12bb9659b7850cf", fifo: "0f9993db2b57f7a5" },
  "asid-small-generation": { random1: "7eacdee341b1a1aa", random2: "fd71d64eae42359f", fifo: "9b6d55e0517c4cd6" },
  "asid-small-arm64": { random1: "de86801f078f11b0", random2: "56dde1e7c4d3d3ff", fifo: "303e4c884f404743" },
  "asid-small-sym": { random1: "69e0f439f332c0ac", random2: "7d6f69fd29ffbe77", fifo: "de89396d5359db2f" },
  "asid-switch-no-reserved": { random1: "0dba6f2ef7eea793", random2: "dcee45ec70840d44", fifo: "7108421121d31270" },
  "asid-rollover-ipi-irq-window": { random1: "53040b78a19d4d0a", random2: "90669b5c03b75834", fifo: "839f73f825b0d237" },
  "asid-rollover-ipi-speculative": { random1: "191c9bac516f30ed", random2: "49d3d5925660c7e8", fifo: "88f38e35d504030c" },
  "kvm-armv6-global-kernel": { random1: "cd06bc2134260a15", random2: "74ca79a876e906dd", fifo: "65b1126709bfbee3" },
  "kvm-armv6-flush": { random1: "ec170f000c080060", random2: "789f178d23926113", fifo: "f21b280bf7bd6e87" },
  "kvm-armv6-nonglobal": { random1: "65864bf2579f5257", random2: "e357e990578a53fb", fifo: "332dc3063568e990" },
  "kvm-armv6-flush-up": { random1: "2fd06f2a9f5b9456", random2: "2fd06f2a9f5b9456", fifo: "2fd06f2a9f5b9456" },
  "kvm-armv6-nonglobal-up": { random1: "388d5da60839206b", random2: "388d5da60839206b", fifo: "388d5da60839206b" },
  "a15-vmid-rollover": { random1: "c63f7618d4db6f0e", random2: "ffe4e888fa6127ef", fifo: "bf74d3791c7bb65b" },
  "a15-vmid-small": { random1: "cf66d0713951a0c5", random2: "555dbafb8786fc52", fifo: "355009b696682544" },
  "a15-vmid-small-5.16": { random1: "7532a02e89c5d930", random2: "38e87c7720e2791a", fifo: "55687f198f1336ec" },
  "a15-vmid-publish-race": { random1: "cbc342054ae60111", random2: "6bbecc8259bc41dc", fifo: "a098f02c49717ea4" },
  "vhe-vmid-small-5.16": { random1: "32b3c1dfba47b0a2", random2: "503609aeee0c05ea", fifo: "d1b1ae1d320dfc0e" },
  "vhe-vmid-rollover-5.16": { random1: "a4fe6d2c9bdd9baa", random2: "89616566033ab987", fifo: "a550c4d30f9e5056" },
  "a15-vmid-armv8-no-barriers": { random1: "2333809728125bbf", random2: "d8e99318ffd5cef0", fifo: "bf9687cbe5440055" },
  "a15-vmid-armv8-fb544d1ca65a": { random1: "a1b736d068aee6a3", random2: "705ff591c0c2d7fd", fifo: "14575a6579dfbaa5" },
  "tlb-shootdown-munmap-no-dsb-armv8": { random1: "05834b866b5e4b3e", random2: "b4bed6e5571b87eb", fifo: "43a44fa61a2ee31b" },
  "tlb-shootdown-munmap-armv8": { random1: "b5c0c65b4fa35c2b", random2: "e35baac2cc798c1c", fifo: "a46c107bbc996614" },
  "walk-cache-table-free-last-level": { random1: "3a70cb7939f71472", random2: "d1dccaa789635b63", fifo: "28a337aa13c3463b" },
  "walk-cache-table-free": { random1: "3dd2da982e0fd295", random2: "6889e7479d4c6a51", fifo: "9b5172710e3ea2bf" },
  "a15-vmid-rollover-armv8": { random1: "3570dc72e5774b9f", random2: "7655a1c844c97b96", fifo: "2990907b6234e9d4" },
  "vhe-vmid-rollover-armv8": { random1: "044b5a4b702564b0", random2: "7dc5992dcbfb2807", fifo: "5194644f2719e8a9" },
};

describe("built-in scenario logs", () => {
  it("has a pin for every built-in scenario", () => {
    expect(Object.keys(PINS).sort()).toEqual([...builtinIds].sort());
  });
  for (const id of builtinIds) {
    it(`writes the same bytes for ${id} (random seeds 1 and 2, fifo)`, async () => {
      const got = {
        random1: await logHash(id, 1, "random"),
        random2: await logHash(id, 2, "random"),
        fifo: await logHash(id, 1, "fifo"),
      };
      expect(got).toEqual(PINS[id]);
    });
  }
});
