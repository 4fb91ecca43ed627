/**
 * `node dist/src/bench/timetravel-child.js <log> <K> <seeks> <seed>`: the time-travel measurements in a
 * fresh process, printed as one JSON object, so the RSS it reports is the loaded log and its snapshots
 * alone, not the bench's other fixtures (a million live events of its own would double it).
 */
import { timeTravelFigures } from "./timetravel-figures.js";

const [path, k, seeks, seed] = process.argv.slice(2);
if (!path || !k || !seeks || !seed) {
  process.stderr.write("usage: timetravel-child.js <log> <K> <seeks> <seed>\n");
  process.exit(2);
}
const figures = await timeTravelFigures(path, { k: Number(k), seeks: Number(seeks), seed: Number(seed) });
process.stdout.write(`${JSON.stringify(figures)}\n`);
