#!/usr/bin/env node
// `npm run bench`. The bench's composition root, as bin/smpsim.js is the CLI's: it hands the bench
// (src/bench/) the built-in scenarios (scenarios/, the layer above src/).
import { fileURLToPath } from "node:url";
const dist = (p) => fileURLToPath(new URL(`../dist/${p}`, import.meta.url));
const { benchMain } = await import(dist("src/bench/main.js"));
const { loadScenario, readScenario } = await import(dist("scenarios/index.js"));
const { defaultScenario } = await import(dist("scenarios/default.js"));
process.exitCode = await benchMain(process.argv.slice(2), {
  load: (id) => loadScenario(id).scenario,
  defaultAt: (scale) => readScenario(defaultScenario(scale), `default scenario at scale ${scale}`),
  read: (raw, file) => readScenario(raw, file),
});
