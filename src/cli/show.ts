/** `smpsim show`: a scenario as JSON, every default filled in, to copy into a file and edit. */
import { parse } from "./args.js";
import type { Catalog } from "./catalog.js";
import type { Io } from "./io.js";
import { applyOverrides } from "./overrides.js";
import { compactJson, scenarioWithHex } from "./scenario-json.js";

export const showHelp = `usage: smpsim show <scenario> [--set PATH=VALUE]

Prints a scenario (a built-in name, or a path to a scenario file) as JSON with every default filled
in and addresses in hex: a starting point for a scenario of your own.
  smpsim show tlb-shootdown-munmap > my.json    # edit my.json, then: smpsim run my.json
  --set PATH=VALUE  change a field first, as run does (repeatable)`;

export function show(argv: string[], catalog: Catalog, io: Io): number {
  const a = parse("show", argv, { set: { type: "string", multiple: true } }, [1]);
  if (a.values.help) return (io.out(showHelp), 0);
  const { scenario } = catalog.load(a.positionals[0]!);
  const s = applyOverrides(scenario, (a.values.set as string[] | undefined) ?? [], catalog);
  io.out(compactJson(scenarioWithHex(s)));
  return 0;
}
