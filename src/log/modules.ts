/**
 * Opening a log must never run code the user did not ask for (issue 15): a log's header names the ASID
 * allocator its run used, and a module path there is code shipped with the log. A built-in allocator is
 * taken by name; a module is imported only with `--allow-modules`, otherwise the log is refused with the
 * module's name and how to allow it. Every module kind the format gains must come through here.
 */
import type { AsidAllocator } from "../kernel/asid/allocator.js";
import { builtinAllocator } from "../kernel/asid/registry.js";
import { modulePaths, resolveModules } from "../modules/resolve.js";
import type { Scenario } from "../scenario/types.js";
import { LogError } from "./reader.js";

/** The option each log-reading command takes, and its help line. */
export const ALLOW_MODULES_OPTION = { "allow-modules": { type: "boolean" } } as const;
export const ALLOW_MODULES_HELP =
  "  --allow-modules  load the allocator module the log's header names (runs its code: only for a module you trust)";

export async function logAllocator(
  config: Scenario,
  logPath: string,
  allowModules: boolean,
  baseDir = process.cwd(),
): Promise<AsidAllocator> {
  // Every module the header names (the ASID allocator, kernel.switchMm/tlbFlush, hyp.vmidAllocator/
  // worldSwitch when they are paths): all refused unless allowed.
  const name = config.kernel.asidAllocator;
  const needed: [string, string][] = builtinAllocator(name) ? [] : [["kernel.asidAllocator", name]];
  needed.push(...Object.entries(modulePaths(config)));
  if (needed.length > 0 && !allowModules) {
    const [field, path] = needed[0]!;
    const what = field === "kernel.asidAllocator" ? "allocator module" : "module";
    throw new LogError(
      `${logPath}: line 1: config.${field}: the log needs the ${what} ${JSON.stringify(path)}, ` +
        "and opening a log does not run code unless you allow it: add --allow-modules if you trust that module",
    );
  }
  return resolveModules(config, baseDir);
}
