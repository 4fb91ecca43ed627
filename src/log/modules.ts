/**
 * Opening a log must never run code the user did not ask for (issue 15): a log's header names the ASID
 * allocator its run used, and a module path there is code shipped with the log. A built-in allocator is
 * taken by name; a module is imported only with `--allow-modules`, otherwise the log is refused with the
 * module's name and how to allow it. Every module kind the format gains must come through here.
 */
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { builtinAllocator, resolveAllocator } from "../kernel/asid/registry.js";
import type { Scenario } from "../scenario/types.js";
import { LogError } from "./reader.js";

/** The option each log-reading command takes, and its help line. */
export const ALLOW_MODULES_OPTION = { "allow-modules": { type: "boolean" } } as const;
export const ALLOW_MODULES_HELP = "  --allow-modules  load the allocator module the log's header names (runs its code: only for a module you trust)";

export async function logAllocator(config: Scenario, logPath: string, allowModules: boolean, baseDir = process.cwd()): Promise<AsidAllocator> {
  const name = config.kernel.asidAllocator;
  const builtin = builtinAllocator(name);
  if (builtin) return builtin;
  if (!allowModules) {
    throw new LogError(
      `${logPath}: line 1: config.kernel.asidAllocator: the log needs the allocator module ${JSON.stringify(name)}, ` +
        "and opening a log does not run code unless you allow it: add --allow-modules if you trust that module",
    );
  }
  return resolveAllocator(name, baseDir);
}
