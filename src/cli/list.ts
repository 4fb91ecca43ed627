/** `smpsim list`: the built-in scenarios, one line each. */
import { parse } from "./args.js";
import type { Catalog } from "./catalog.js";
import type { Io } from "./io.js";

export const listHelp = `usage: smpsim list [--json]

Lists the built-in scenarios: name, what a run is expected to show, and what it models.
  --json   one JSON object: {"scenarios":[{"id","expect","description"}]}`;

export function list(argv: string[], catalog: Catalog, io: Io): number {
  const a = parse("list", argv, { json: { type: "boolean" } }, [0]);
  if (a.values.help) return io.out(listHelp), 0;
  const all = catalog.list();
  if (a.values.json) return io.out(JSON.stringify({ scenarios: all.map(({ id, expect, description }) => ({ id, expect, description })) })), 0;
  const w = Math.max(...all.map((s) => s.id.length));
  for (const s of all) io.out(`${s.id.padEnd(w)}  ${s.expect.padEnd(9)}  ${s.description}`);
  return 0;
}
