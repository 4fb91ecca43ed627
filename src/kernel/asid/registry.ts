/** Built-in ASID allocators by name, and loading a user's allocator from a module path. */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AsidAllocator } from "./allocator.js";
import { checkedModule } from "./checked-module.js";
import { AllocatorError } from "./errors.js";
import { arm64, arm64Cmpxchg, arm64Xchg } from "./arm64.js";
import { linux2636 } from "./linux-2-6-36.js";
import { linux310 } from "./linux-3-10.js";
import { linux4x } from "./linux-4-x.js";
import { staticAllocator } from "./static.js";

export const builtinAllocators: Readonly<Record<string, AsidAllocator>> = {
  [staticAllocator.name]: staticAllocator,
  [linux2636.name]: linux2636,
  [linux310.name]: linux310,
  [linux4x.name]: linux4x,
  [arm64.name]: arm64,
  [arm64Xchg.name]: arm64Xchg,
  [arm64Cmpxchg.name]: arm64Cmpxchg,
};

export { AllocatorError };

/** The built-in allocator of that name: own entries only, so "toString" or "__proto__" name none. */
export function builtinAllocator(name: string): AsidAllocator | undefined {
  return Object.hasOwn(builtinAllocators, name) ? builtinAllocators[name] : undefined;
}

const looksLikePath = (s: string): boolean => s.includes("/") || /\.(m?js|ts)$/.test(s);

/** `baseDir` is where a relative module path is resolved from (the scenario file's folder). */
export async function resolveAllocator(name: string, baseDir: string): Promise<AsidAllocator> {
  const builtin = builtinAllocator(name);
  if (builtin) return builtin;
  if (!looksLikePath(name)) {
    throw new AllocatorError(
      `kernel.asidAllocator: unknown ASID allocator "${name}" (built-in: ${Object.keys(builtinAllocators).join(", ")}; or give a module path)`,
    );
  }
  const file = isAbsolute(name) ? name : resolve(baseDir, name);
  let mod: Record<string, unknown>;
  // A module whose top-level await never settles leaves nothing to run: Node exits (13) without a word.
  // Say which module it was, as bad input.
  const unsettled = (): void => {
    // Node reports it in process.exitCode (the 'exit' event's argument is 0 then).
    if (process.exitCode !== 13) return;
    process.stderr.write(`smpsim: ${file}: cannot load ASID allocator module: its top-level await never settles\n`);
    process.exitCode = 2;
  };
  process.on("exit", unsettled);
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw new AllocatorError(`${file}: cannot load ASID allocator module: ${(e as Error).message.split("\n")[0]}`);
  } finally {
    process.off("exit", unsettled);
  }
  const a = (mod.default ?? mod.allocator) as Partial<AsidAllocator> | undefined;
  const fields: Record<string, string> = { name: "string", initialVars: "function", switchMm: "function" };
  const wrong = Object.entries(fields)
    .filter(([f, type]) => a === undefined || a === null || typeof (a as Record<string, unknown>)[f] !== type)
    .map(([f, type]) => `${f} (a ${type})`);
  if (wrong.length) {
    throw new AllocatorError(`${file}: the default export is not an ASID allocator: it lacks ${wrong.join(", ")}`);
  }
  return checkedModule(file, a as AsidAllocator);
}

/**
 * Runs `work` (loading or starting the scenario's allocator) so that an AllocatorError names the scenario
 * it came from (`source`: a file, or "built-in scenario X") and the field, unless it names a module file.
 */
export async function naming<T>(source: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof AllocatorError) || e.message.startsWith("/")) throw e;
    const field = e.message.startsWith("kernel.asidAllocator:") ? "" : "kernel: ";
    throw new AllocatorError(`${source}: ${field}${e.message}`);
  }
}
