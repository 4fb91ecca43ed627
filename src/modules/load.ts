/**
 * Importing a user's module file: bad input, never a crash. A module that does not load, or whose
 * default export lacks what its interface needs, is an AllocatorError naming the file (exit 2).
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { AllocatorError } from "../kernel/asid/errors.js";

export const looksLikePath = (s: string): boolean => s.includes("/") || /\.(m?js|ts)$/.test(s);

/**
 * The default export (or the named export `name`) of the module at `path` (relative to `baseDir`),
 * checked to have `fields` of the given types. `kind` says what it should be ("VMID allocator").
 */
export async function importModule(
  path: string,
  baseDir: string,
  kind: string,
  named: string,
  fields: Readonly<Record<string, string>>,
): Promise<{ file: string; value: Record<string, unknown> }> {
  const file = isAbsolute(path) ? path : resolve(baseDir, path);
  let mod: Record<string, unknown>;
  // A module whose top-level await never settles leaves nothing to run: Node exits (13) without a word.
  const unsettled = (): void => {
    if (process.exitCode !== 13) return;
    process.stderr.write(`smpsim: ${file}: cannot load ${kind} module: its top-level await never settles\n`);
    process.exitCode = 2;
  };
  process.on("exit", unsettled);
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw new AllocatorError(`${file}: cannot load ${kind} module: ${(e as Error).message.split("\n")[0]}`);
  } finally {
    process.off("exit", unsettled);
  }
  const v = (mod.default ?? mod[named]) as Record<string, unknown> | undefined | null;
  const wrong = Object.entries(fields)
    .filter(([f, type]) => v === undefined || v === null || typeof v[f] !== type)
    .map(([f, type]) => `${f} (a ${type})`);
  if (wrong.length) throw new AllocatorError(`${file}: the default export is not a ${kind}: it lacks ${wrong.join(", ")}`);
  return { file, value: v! };
}
