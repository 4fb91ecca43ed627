/**
 * `--set path=value` on the command line: change one field of a resolved scenario (for example
 * `--set kernel.switchSequence=reserved-asid` or `--set machine.cores=2`), then check it again like a
 * scenario file, so an override is held to the same rules and errors name the field.
 * The path walks own fields only, and `__proto__`, `prototype` and `constructor` are refused: a path
 * must never reach (or replace) an object's prototype, which would change every object in the process.
 */
import type { Scenario } from "../scenario/types.js";
import type { Catalog } from "./catalog.js";
import { UsageError } from "./errors.js";

const FORBIDDEN = new Set(["__proto__", "prototype", "constructor"]);

export function applyOverrides(scenario: Scenario, sets: readonly string[], catalog: Catalog): Scenario {
  if (sets.length === 0) return scenario;
  const raw = structuredClone(scenario) as unknown as Record<string, unknown>;
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set ${s}: expected path=value`);
    const path = s.slice(0, eq).split(".");
    const bad = path.find((k) => FORBIDDEN.has(k) || k === "");
    if (bad !== undefined)
      throw new UsageError(`--set ${s}: ${bad === "" ? "an empty path segment" : `"${bad}" is not a scenario field`}`);
    const text = s.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text; // a bare word is a string: --set kernel.asidAllocator=linux-3.10
    }
    let o: Record<string, unknown> = raw;
    for (const key of path.slice(0, -1)) {
      const next = Object.hasOwn(o, key) && !(Array.isArray(o) && !/^\d+$/.test(key)) ? o[key] : undefined;
      if (next === null || typeof next !== "object") throw new UsageError(`--set ${s}: ${key} is not an object in the scenario`);
      o = next as Record<string, unknown>;
    }
    const last = path.at(-1)!;
    if (Array.isArray(o)) {
      // An element of a list, or one more at its end: no "length", no holes.
      if (!/^\d+$/.test(last) || Number(last) > o.length)
        throw new UsageError(`--set ${s}: ${last} is not an index of that list (0 to ${o.length})`);
      o[Number(last)] = value;
    } else Object.defineProperty(o, last, { value, writable: true, enumerable: true, configurable: true });
  }
  return catalog.check(raw, `--set ${sets.join(" ")}`);
}
