/**
 * The tool build a unit was made by: package.json's version and a hash of the compiled sources (every
 * .js/.ts file under the source tree this module sits in). Two checkouts at different commits differ
 * in it even when the version number is the same, and a worker refuses units of another build: its
 * schedules could differ from the coordinator's.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { toolVersion } from "../log/tool-version.js";

let cached: string | undefined;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(js|ts)$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

export function buildId(): string {
  if (cached !== undefined) return cached;
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const h = createHash("sha256");
  for (const f of sourceFiles(root)) h.update(f.slice(root.length)).update("\0").update(readFileSync(f)).update("\0");
  return (cached = `${toolVersion()}+${h.digest("hex").slice(0, 12)}`);
}

export const sha256File = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");
