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
  return createHash("sha256").update(readFileSync(path)).digest("hex").slice(0, 16);
}

// sha256 (first 16 hex digits) of the log of `run <id> --seed N --strategy S`.
const PINS: Record<string, { random1: string; random2: string; fifo: string }> = {
  "default": { random1: "5616d43db0235ebd", random2: "f9d672ce99ba494f", fifo: "488d0a558efe5dff" },
  "tlb-shootdown-munmap": { random1: "d3f60f69ca6ccebc", random2: "a27423fbafae3ef0", fifo: "033da011e7e6f025" },
  "tlb-shootdown-munmap-local-only": { random1: "a0e0fc38835392f6", random2: "6f88b86bcd06bff1", fifo: "f762b66049bb2d3a" },
  "asid-rollover-ipi": { random1: "bf31a10d272d0ab8", random2: "e3ab890c27fd7072", fifo: "2b309d695943605a" },
  "asid-rollover-generation": { random1: "c9decf9e187d0930", random2: "dd176c3539fb4836", fifo: "1d6d994ec73fc6a9" },
  "asid-arm64": { random1: "168e0e41fa269241", random2: "92c177df44c60676", fifo: "f9d5ef070d7dc70b" },
  "asid-small-ipi": { random1: "cb231c3b0c44f758", random2: "f81a3445840432bf", fifo: "254ccd0bee8b22ac" },
  "asid-small-generation": { random1: "ce7bf62419a41f7c", random2: "cdb11f89068250f5", fifo: "931f2e52f64d22ce" },
  "asid-small-arm64": { random1: "b4d32e553d93702b", random2: "80e7306caf900792", fifo: "8f39b006c34cf9be" },
  "asid-switch-no-reserved": { random1: "3cc2dbeccf8370e5", random2: "c26c1b7189695250", fifo: "a626c670b88a98bc" },
  "asid-rollover-ipi-irq-window": { random1: "83f48993f310d759", random2: "7c80b1a448379b3e", fifo: "426d5edceb7e5e74" },
  "asid-rollover-ipi-speculative": { random1: "93b8abc33989fbd2", random2: "949284355c356449", fifo: "70d41d279a59f1d0" },
  "kvm-armv6-global-kernel": { random1: "d57eccf1f9e70143", random2: "f39f1741f27e9d74", fifo: "fed4b0378a3406cf" },
  "kvm-armv6-flush": { random1: "1bfd2b49faeb6ee5", random2: "1cae0b9b95883a93", fifo: "340618c95583acee" },
  "kvm-armv6-nonglobal": { random1: "3b430409fd74f8d1", random2: "ca18bcfc10489ba4", fifo: "9cb2a05aa4e84337" },
  "a15-vmid-rollover": { random1: "744b9e093a37d83c", random2: "c03a62d86a4ab17c", fifo: "d80f045745d8e662" },
  "a15-vmid-small": { random1: "aeab38f5a72fb50e", random2: "afdd23132d36ec84", fifo: "384fc17affa8dcd4" },
  "a15-vmid-small-5.16": { random1: "df306dcced9f60b1", random2: "c6cb84805baf7792", fifo: "bf9e499f22345bcf" },
  "a15-vmid-publish-race": { random1: "59cdb2cb5d49aef0", random2: "ba676b32bd384027", fifo: "cba47a94390b8622" },
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
