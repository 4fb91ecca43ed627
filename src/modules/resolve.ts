/**
 * Loads every module a scenario names (issue 14): its ASID allocator, and when given a module path,
 * kernel.switchMm, kernel.tlbFlush, hyp.vmidAllocator and hyp.worldSwitch. The result is the allocator,
 * carrying the other modules (src/modules/attach.ts). Opening a log loads none of them unless allowed
 * (src/log/modules.ts).
 */
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { AllocatorError } from "../kernel/asid/errors.js";
import { resolveAllocator } from "../kernel/asid/registry.js";
import type { ContextSwitch, TlbFlush } from "../kernel/modules.js";
import type { VmidAllocator } from "../hyp/context.js";
import { builtinVmidAllocator, builtinWorldSwitch, type HypModules } from "../hyp/modules.js";
import type { WorldSwitchModel } from "../hyp/world-switch.js";
import type { Scenario } from "../scenario/types.js";
import { withModules, type ScenarioModules } from "./attach.js";
import { checkedContextSwitch, checkedTlbFlush, checkedVmidAllocator, checkedWorldSwitch } from "./checked.js";
import { importModule } from "./load.js";

/** The module paths a scenario names besides its ASID allocator, by field ("kernel.switchMm": path). */
export function modulePaths(s: Scenario): Record<string, string> {
  const out: Record<string, string> = {};
  if (s.kernel.switchMm !== undefined) out["kernel.switchMm"] = s.kernel.switchMm;
  if (s.kernel.tlbFlush !== undefined) out["kernel.tlbFlush"] = s.kernel.tlbFlush;
  if (s.hyp && !builtinVmidAllocator(s.hyp.vmidAllocator)) out["hyp.vmidAllocator"] = s.hyp.vmidAllocator;
  if (s.hyp && !builtinWorldSwitch(s.hyp.worldSwitch)) out["hyp.worldSwitch"] = s.hyp.worldSwitch;
  return out;
}

async function loadOthers(s: Scenario, baseDir: string): Promise<ScenarioModules | null> {
  const paths = modulePaths(s);
  if (Object.keys(paths).length === 0) return null;
  const get = (field: string): string | undefined => paths[field];
  let contextSwitch: ContextSwitch | undefined;
  let tlbFlush: TlbFlush | undefined;
  const hyp: { vmid?: VmidAllocator; worldSwitch?: WorldSwitchModel } = {};
  const p1 = get("kernel.switchMm");
  if (p1 !== undefined) {
    const m = await importModule(p1, baseDir, "context switch", "contextSwitch", { name: "string", contextSwitch: "function" });
    contextSwitch = checkedContextSwitch(m.file, m.value as unknown as ContextSwitch);
  }
  const p2 = get("kernel.tlbFlush");
  if (p2 !== undefined) {
    const m = await importModule(p2, baseDir, "TLB flush", "tlbFlush", { name: "string", unmapPage: "function" });
    tlbFlush = checkedTlbFlush(m.file, m.value as unknown as TlbFlush);
  }
  const p3 = get("hyp.vmidAllocator");
  if (p3 !== undefined) {
    const m = await importModule(p3, baseDir, "VMID allocator", "vmidAllocator", {
      name: "string",
      initialVars: "function",
      update: "function",
      recheck: "function",
      vttbrVmid: "function",
      put: "function",
    });
    hyp.vmid = checkedVmidAllocator(m.file, m.value as unknown as VmidAllocator);
  }
  const p4 = get("hyp.worldSwitch");
  if (p4 !== undefined) {
    const m = await importModule(p4, baseDir, "world switch", "worldSwitch", {
      enter: "function",
      exit: "function",
      guestMmuTraps: "boolean",
      usesVmids: "boolean",
    });
    hyp.worldSwitch = checkedWorldSwitch(m.file, m.value as unknown as WorldSwitchModel);
  }
  const mods: { contextSwitch?: ContextSwitch; tlbFlush?: TlbFlush; hyp?: HypModules } = {};
  if (contextSwitch) mods.contextSwitch = contextSwitch;
  if (tlbFlush) mods.tlbFlush = tlbFlush;
  if (hyp.vmid || hyp.worldSwitch) mods.hyp = hyp;
  return mods;
}

/** The scenario's allocator carrying its other modules; `baseDir` resolves relative module paths. */
export async function resolveModules(s: Scenario, baseDir: string): Promise<AsidAllocator> {
  const allocator = await resolveAllocator(s.kernel.asidAllocator, baseDir);
  const others = await loadOthers(s, baseDir);
  return others ? withModules(allocator, others) : allocator;
}

export { AllocatorError };
