/** `smpsim list`: the built-in scenarios, one line each. */
import { parse } from "./args.js";
import type { Catalog } from "./catalog.js";
import type { Io } from "./io.js";

export const listHelp = `usage: smpsim list [--json]

Lists the built-in scenarios, one per line (under a header line on a terminal): name, what a run is expected to show (clean or
violation), which command shows the violation (run: \`smpsim run NAME\` as it is, with the seed or
schedule the scenario records; explore: only \`smpsim explore NAME\` finds it; -: none), and what it models.
  --json   one JSON object: {"scenarios":[{"id","expect","shownBy","description"}]}`;

export function list(argv: string[], catalog: Catalog, io: Io): number {
  const a = parse("list", argv, { json: { type: "boolean" } }, [0]);
  if (a.values.help) return (io.out(listHelp), 0);
  const all = catalog.list().map((s) => ({
    id: s.id,
    expect: s.expect,
    shownBy: s.shownBy ?? (s.expect === "violation" ? "run" : "-"),
    description: s.description,
  }));
  if (a.values.json) return (io.out(JSON.stringify({ scenarios: all })), 0);
  const w = Math.max("SCENARIO".length, ...all.map((s) => s.id.length));
  // The header only on a terminal: `smpsim list | awk '{print $1}'` reads one scenario per line.
  if (io.outTty === true) io.out(`${"SCENARIO".padEnd(w)}  ${"EXPECT".padEnd(9)}  ${"SHOWN BY".padEnd(8)}  DESCRIPTION`);
  for (const s of all) io.out(`${s.id.padEnd(w)}  ${s.expect.padEnd(9)}  ${s.shownBy.padEnd(8)}  ${s.description}`);
  return 0;
}
