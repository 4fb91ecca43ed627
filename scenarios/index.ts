/**
 * The catalog of built-in scenarios, and loading a scenario by name or by path. Each built-in lives in
 * its own file; a user's scenario is a JSON file in the same format (README.md, "Scenario format").
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Catalog, LoadedScenario } from "../src/cli/catalog.js";
import { didYouMean } from "../src/cli/did-you-mean.js";
import type { Scenario } from "../src/scenario/types.js";
import asidArm64 from "./asid-arm64.js";
import asidRolloverGeneration from "./asid-rollover-generation.js";
import asidRolloverIpiIrqWindow from "./asid-rollover-ipi-irq-window.js";
import asidRolloverIpiSpeculative from "./asid-rollover-ipi-speculative.js";
import asidRolloverIpi from "./asid-rollover-ipi.js";
import { asidSmallArm64, asidSmallGeneration, asidSmallIpi, asidSmallSym } from "./asid-small.js";
import asidSwitchNoReserved from "./asid-switch-no-reserved.js";
import a15VmidRollover from "./a15-vmid-rollover.js";
import a15VmidRolloverArmv8 from "./a15-vmid-rollover-armv8.js";
import { a15VmidPublishRace, a15VmidSmall, a15VmidSmall516 } from "./a15-vmid-small.js";
import { a15VmidArmv8Fixed, a15VmidArmv8NoBarriers } from "./a15-vmid-armv8.js";
import defaultScenario from "./default.js";
import { kvmArmv6Flush, kvmArmv6FlushUp, kvmArmv6GlobalKernel, kvmArmv6Nonglobal, kvmArmv6NonglobalUp } from "./kvm-armv6.js";
import { ScenarioError, lineColumn } from "./fields.js";
import { readScenario } from "./format.js";
import tlbShootdownMunmapLocalOnly from "./tlb-shootdown-munmap-local-only.js";
import tlbShootdownMunmap, { munmapArmv8, munmapNoDsbArmv8 } from "./tlb-shootdown-munmap.js";
import { vheVmidRollover516, vheVmidSmall516 } from "./vhe-vmid.js";
import vheVmidRolloverArmv8 from "./vhe-vmid-rollover-armv8.js";
import { walkCacheTableFree, walkCacheTableFreeLastLevel } from "./walk-cache-table-free.js";

import { duplicateKey, withoutBom } from "./json-text.js";
export { ScenarioError } from "./fields.js";
export { readScenario } from "./format.js";

/** Built-ins in the order `smpsim list` shows them. */
export const builtinScenarios: readonly { id: string; description: string; expect: string; shownBy: string; raw: unknown }[] = [
  defaultScenario,
  tlbShootdownMunmap,
  tlbShootdownMunmapLocalOnly,
  asidRolloverIpi,
  asidRolloverGeneration,
  asidArm64,
  asidSmallIpi,
  asidSmallGeneration,
  asidSmallArm64,
  asidSmallSym,
  asidSwitchNoReserved,
  asidRolloverIpiIrqWindow,
  asidRolloverIpiSpeculative,
  kvmArmv6GlobalKernel,
  kvmArmv6Flush,
  kvmArmv6Nonglobal,
  kvmArmv6FlushUp,
  kvmArmv6NonglobalUp,
  a15VmidRollover,
  a15VmidSmall,
  a15VmidSmall516,
  a15VmidPublishRace,
  vheVmidSmall516,
  vheVmidRollover516,
  a15VmidArmv8NoBarriers,
  a15VmidArmv8Fixed,
  munmapNoDsbArmv8,
  munmapArmv8,
  walkCacheTableFreeLastLevel,
  walkCacheTableFree,
  a15VmidRolloverArmv8,
  vheVmidRolloverArmv8,
].map((raw) => ({ id: raw.id, description: raw.description, expect: raw.expect, shownBy: shownBy(raw), raw }));

/**
 * Where a user sees a scenario's violation: `run` as listed (each scenario marked `violation` carries
 * the seed or schedule that shows it, and a test holds it to that), or only `explore`, which ignores
 * the realistic timing a run keeps (README, "Exploring interleavings").
 */
function shownBy(raw: { id: string; expect: string }): "run" | "explore" | "-" {
  if (raw.expect === "violation") return "run";
  return raw.id === "asid-small-ipi" ? "explore" : "-";
}

export function loadScenario(nameOrPath: string): LoadedScenario {
  const builtin = builtinScenarios.find((s) => s.id === nameOrPath);
  if (builtin)
    return { scenario: readScenario(builtin.raw, `built-in scenario ${builtin.id}`), baseDir: process.cwd(), source: "built-in" };
  let isFile: boolean;
  try {
    isFile = statSync(nameOrPath).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) {
    throw new ScenarioError(
      `${nameOrPath}: no built-in scenario has this name and no such file exists` +
        `${didYouMean(
          nameOrPath,
          builtinScenarios.map((s) => s.id),
        )} (\`smpsim list\` shows the built-ins)`,
    );
  }
  let text: string;
  try {
    text = withoutBom(readFileSync(nameOrPath, "utf8"));
  } catch (e) {
    throw new ScenarioError(`${nameOrPath}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const where = lineColumn(text, jsonErrorOffset(text, msg));
    throw new ScenarioError(`${nameOrPath}: line ${where.line}, column ${where.column}: not valid JSON (${msg})`);
  }
  const dup = duplicateKey(text);
  if (dup)
    throw new ScenarioError(
      `${nameOrPath}: line ${dup.line}, column ${dup.column}: key "${dup.key}" appears twice in one object (JSON keeps only the last)`,
    );
  const baseDir = dirname(resolve(nameOrPath));
  return { scenario: withAbsoluteModule(readScenario(raw, nameOrPath), baseDir), baseDir, source: nameOrPath };
}

/**
 * Where JSON.parse stopped. Node 20 gives "at position N" for some errors; for others (an unexpected
 * token) it quotes the text around it, which is found in the file instead.
 */
function jsonErrorOffset(text: string, msg: string): number {
  const pos = /position (\d+)/.exec(msg);
  if (pos) return Number(pos[1]);
  const tok = /Unexpected token '(.)', (.*) is not valid JSON/s.exec(msg);
  if (tok) {
    // V8 quotes the text around the error, with "..." outside the quotes where it cut it short.
    let ctx = tok[2]!.replace(/^\.\.\./, "").replace(/\.\.\.$/, "");
    if (ctx.startsWith('"') && ctx.endsWith('"')) ctx = ctx.slice(1, -1);
    const at = text.indexOf(ctx);
    if (at >= 0) return at + Math.max(0, ctx.indexOf(tok[1]!));
  }
  return text.length;
}

/** A user allocator named by a relative path is recorded absolute, so the log replays from anywhere. */
function withAbsoluteModule(s: Scenario, baseDir: string): Scenario {
  const a = s.kernel.asidAllocator;
  if (!a.includes("/") && !/\.(m?js|ts)$/.test(a)) return s;
  return { ...s, kernel: { ...s.kernel, asidAllocator: resolve(baseDir, a) } };
}

export const catalog: Catalog = {
  list: () => builtinScenarios,
  load: loadScenario,
  check: (raw, where) => readScenario(raw, where),
};
