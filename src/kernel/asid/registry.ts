/** Built-in ASID allocators by name, and loading a user's allocator from a module path. */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AsidAllocator } from "./allocator.js";
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

const looksLikePath = (s: string): boolean => s.includes("/") || /\.(m?js|ts)$/.test(s);

/** `baseDir` is where a relative module path is resolved from (the scenario file's folder). */
export async function resolveAllocator(name: string, baseDir: string): Promise<AsidAllocator> {
  const builtin = builtinAllocators[name];
  if (builtin) return builtin;
  if (!looksLikePath(name)) {
    throw new AllocatorError(
      `unknown ASID allocator "${name}" (built-in: ${Object.keys(builtinAllocators).join(", ")}; or give a module path)`,
    );
  }
  const file = isAbsolute(name) ? name : resolve(baseDir, name);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw new AllocatorError(`${file}: cannot load ASID allocator module: ${(e as Error).message.split("\n")[0]}`);
  }
  const a = (mod.default ?? mod.allocator) as Partial<AsidAllocator> | undefined;
  const fields: Record<string, string> = { name: "string", initialVars: "function", switchMm: "function" };
  const wrong = Object.entries(fields)
    .filter(([f, type]) => a === undefined || a === null || typeof (a as Record<string, unknown>)[f] !== type)
    .map(([f, type]) => `${f} (a ${type})`);
  if (wrong.length) {
    throw new AllocatorError(`${file}: the default export is not an ASID allocator: it lacks ${wrong.join(", ")}`);
  }
  const user = a as AsidAllocator;
  return { ...user, ipiHandlers: user.ipiHandlers ?? {}, source: user.source ?? `user module ${file}` };
}
