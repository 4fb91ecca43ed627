/**
 * The tool's version: package.json's, found by walking up from this file (it sits at a different
 * depth in src/ under vitest and in dist/src/ when built). Logs record it in their header.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

export function toolVersion(): string {
  if (cached !== undefined) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const p = join(dir, "package.json");
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "smpsim" && pkg.version) return (cached = pkg.version);
    }
    if (dirname(dir) === dir) return (cached = "unknown");
  }
}
