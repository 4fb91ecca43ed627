/**
 * The hypervisor mechanisms a scenario may replace with a module of its own (issue 14): the VMID
 * allocator (the VmidAllocator interface of src/hyp/context.ts, as kvm-3.9 and kvm-5.16 implement it)
 * and the world switch (the WorldSwitchModel interface of src/hyp/world-switch.ts, as armv6-kvm, a15-hyp
 * and vhe implement it). Built-ins are taken by name; a module path names a user's own, loaded by
 * src/modules/resolve.ts before the run (a run never imports code).
 */
import type { HypConfig } from "../scenario/types.js";
import { a15Hyp } from "./a15-hyp.js";
import { armv6Kvm } from "./armv6-kvm.js";
import type { VmidAllocator } from "./context.js";
import { vheHyp } from "./vhe.js";
import { vmidAllocators } from "./vmid/registry.js";
import type { WorldSwitchModel } from "./world-switch.js";

export interface HypModules {
  readonly vmid?: VmidAllocator;
  readonly worldSwitch?: WorldSwitchModel;
}

export const builtinWorldSwitches: Readonly<Record<string, WorldSwitchModel>> = {
  "armv6-kvm": armv6Kvm,
  "a15-hyp": a15Hyp,
  vhe: vheHyp,
};

/** Own entries only, so "toString" or "__proto__" name none. */
export const builtinWorldSwitch = (name: string): WorldSwitchModel | undefined =>
  Object.hasOwn(builtinWorldSwitches, name) ? builtinWorldSwitches[name] : undefined;
export const builtinVmidAllocator = (name: string): VmidAllocator | undefined =>
  Object.hasOwn(vmidAllocators, name) ? vmidAllocators[name as keyof typeof vmidAllocators] : undefined;

const loaded = <T>(what: string, name: string, v: T | undefined): T => {
  if (v === undefined)
    throw new Error(`assertion: hyp.${what} "${name}" is neither built in nor loaded (resolve the scenario's modules first)`);
  return v;
};

export const worldSwitchOf = (hyp: HypConfig, mods: HypModules | undefined): WorldSwitchModel =>
  mods?.worldSwitch ?? loaded("worldSwitch", hyp.worldSwitch, builtinWorldSwitch(hyp.worldSwitch));
export const vmidAllocatorOf = (hyp: HypConfig, mods: HypModules | undefined): VmidAllocator =>
  mods?.vmid ?? loaded("vmidAllocator", hyp.vmidAllocator, builtinVmidAllocator(hyp.vmidAllocator));
