/** Option parsing on node:util parseArgs, with errors that say which option is wrong. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.js";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(command: string, argv: string[], options: Options, positionals: number[]): Parsed {
  let r: Parsed;
  try {
    // parseArgs infers a type per options object; Parsed is what every command reads.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    r = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true }) as Parsed;
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.split("\n")[0]} (see smpsim ${command} --help)`);
  }
  if (r.values.help) return r;
  const [min, max] = [positionals[0]!, positionals[1] ?? positionals[0]!];
  if (r.positionals.length < min || r.positionals.length > max) {
    throw new UsageError(`${command}: expected ${min === max ? min : `${min} to ${max}`} argument(s), got ${r.positionals.length} (see smpsim ${command} --help)`);
  }
  return r;
}

export function intOption(command: string, name: string, v: string | boolean | string[] | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !/^\d+$/.test(v) || n < min || n > max) {
    throw new UsageError(`${command}: --${name} wants an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}
