/**
 * Vitest global set-up: the CLI tests spawn bin/smpsim.js and exploration starts worker threads, both of
 * which run the compiled dist/. A plain `npx vitest` after an edit would test the old code there, so
 * when any source file is newer than its compiled file (or dist/ is missing), this compiles first.
 * Under `npm test`, which builds before vitest, it finds nothing to do.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

/** The first source file of the compiled folders whose dist/ file is missing or older, if any. */
export function staleSource(): string | null {
  const walk = (dir: string): string | null => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name === "web" || name === "node_modules") continue;
        const found = walk(path);
        if (found) return found;
      } else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) {
        const out = join(root, "dist", relative(root, path)).replace(/\.ts$/, ".js");
        if (!existsSync(out) || statSync(out).mtimeMs < statSync(path).mtimeMs) return relative(root, path);
      }
    }
    return null;
  };
  for (const top of ["src", "cores", "bus", "scenarios"]) {
    const found = walk(join(root, top));
    if (found) return found;
  }
  return null;
}

export default function setup(): void {
  const stale = staleSource();
  if (stale === null) return;
  process.stderr.write(`vitest: ${stale} is newer than dist/: compiling (tsc -p tsconfig.json) first\n`);
  const tsc = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", root], { encoding: "utf8" });
  if (tsc.status !== 0) throw new Error(`could not compile dist/ for the tests that run it:\n${tsc.stdout}${tsc.stderr}`);
}
