/**
 * Option parsing: node:util parseArgs splits the words, and this file judges them, so that a mistake
 * is one line in the tool's words ("unknown option --sed (did you mean --seed?)") rather than
 * parseArgs' advice about positional arguments.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { didYouMean } from "./did-you-mean.js";
import { UsageError } from "./errors.js";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(command: string, argv: string[], options: Options, positionals: number[]): Parsed {
  const all: Options = { ...options, help: { type: "boolean", short: "h" } };
  const see = `(see smpsim help ${command})`;
  const fail = (why: string): never => {
    throw new UsageError(`${command}: ${why} ${see}`);
  };
  // Non-strict: parseArgs only splits; every judgement below is ours.
  const { tokens } = parseArgs({ args: argv, options: all, allowPositionals: true, strict: false, tokens: true });
  const values: Parsed["values"] = {};
  const found: string[] = [];
  for (const t of tokens) {
    if (t.kind === "positional") found.push(t.value);
    if (t.kind !== "option") continue;
    const spec = all[t.name];
    if (!spec) {
      const names = Object.keys(all).map((n) => `--${n}`);
      fail(`unknown option ${t.rawName}${didYouMean(t.rawName.startsWith("--") ? t.rawName : `--${t.name}`, names)}`);
    }
    if (spec!.type === "boolean") {
      if (t.value !== undefined) fail(`${t.rawName} takes no value (got "${t.value}")`);
      values[t.name] = true;
      continue;
    }
    if (t.value === undefined) fail(`${t.rawName} needs a value`);
    const v = t.value!;
    // "--log --force": the next word is another option, not the value. A negative number is a value
    // (and then judged by the option's own range check).
    if (!t.inlineValue && v.startsWith("-") && !/^-\d/.test(v)) {
      fail(`${t.rawName} needs a value, but the next word is the option ${v} (write ${t.rawName}=${v} if that is the value)`);
    }
    if (spec!.multiple) values[t.name] = [...((values[t.name] as string[] | undefined) ?? []), v];
    else values[t.name] = v;
  }
  const r: Parsed = { values, positionals: found };
  if (values.help) return r;
  const [min, max] = [positionals[0]!, positionals[1] ?? positionals[0]!];
  if (found.length < min || found.length > max) {
    const want = min === max ? `${min} argument${min === 1 ? "" : "s"}` : `${min} to ${max} arguments`;
    const extra =
      found.length > max
        ? ` (unexpected: ${found
            .slice(max)
            .map((p) => JSON.stringify(p))
            .join(", ")})`
        : "";
    fail(`expected ${want}, got ${found.length}${extra}`);
  }
  return r;
}

export function intOption(
  command: string,
  name: string,
  v: string | boolean | string[] | undefined,
  min: number,
  max: number,
): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !/^\d+$/.test(v) || n < min || n > max) {
    throw new UsageError(`${command}: --${name} wants an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}
