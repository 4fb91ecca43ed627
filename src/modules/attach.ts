/**
 * The scenario's own modules travel with its ASID allocator: every command already resolves the
 * allocator before a run and hands it to whatever runs, explores, replays or debugs the scenario, so the
 * other modules ride along (`withModules` makes an allocator object that carries them) instead of a new
 * parameter through every layer. A built-in scenario without modules keeps its allocator unchanged.
 */
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import type { ContextSwitch, TlbFlush } from "../kernel/modules.js";
import type { HypModules } from "../hyp/modules.js";

export interface ScenarioModules {
  readonly contextSwitch?: ContextSwitch;
  readonly tlbFlush?: TlbFlush;
  readonly hyp?: HypModules;
}

const NONE: ScenarioModules = {};
const carried = new WeakMap<AsidAllocator, ScenarioModules>();

/** `allocator` carrying `modules` (a new object; the allocator's own behaviour is unchanged). */
export function withModules(allocator: AsidAllocator, modules: ScenarioModules): AsidAllocator {
  const a: AsidAllocator = Object.create(allocator) as AsidAllocator;
  carried.set(a, modules);
  return a;
}

export const modulesOf = (allocator: AsidAllocator): ScenarioModules => carried.get(allocator) ?? NONE;
