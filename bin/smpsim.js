#!/usr/bin/env node
// The `smpsim` command. `npm ci` compiles the TypeScript (the `prepare` script), so this runs the build.
// It is also the composition root: it hands the CLI (src/) the scenario catalog (scenarios/).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
const dist = (p) => fileURLToPath(new URL(`../dist/${p}`, import.meta.url));
if (!existsSync(dist("src/cli/main.js"))) {
  process.stderr.write("smpsim: not built yet: run `npm ci` (or `npm run build`) in the repository first\n");
  process.exit(2);
}
// A reader that stops early (`smpsim list | head -1`) is not an error.
for (const s of [process.stdout, process.stderr])
  s.on("error", (e) => (e.code === "EPIPE" ? process.exit(process.exitCode ?? 0) : Promise.reject(e)));
const { main } = await import(dist("src/cli/main.js"));
const { catalog } = await import(dist("scenarios/index.js"));
process.exitCode = await main(process.argv.slice(2), catalog);
