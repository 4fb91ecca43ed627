/**
 * Small readers for untrusted JSON that say exactly which field is wrong. Every failure is a
 * ScenarioError naming the file and the field path ("machine.cores", "tasks[1].script[0].va").
 */
export class ScenarioError extends Error {
  readonly _tag = "ScenarioError";
}

export class Fields {
  constructor(readonly file: string) {}

  fail(path: string, why: string): never {
    throw new ScenarioError(`${this.file}: ${path}: ${why}`);
  }

  got(v: unknown): string {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 40 ? s.slice(0, 37) + "..." : s;
  }

  object(v: unknown, path: string): Record<string, unknown> {
    if (v === null || typeof v !== "object" || Array.isArray(v)) this.fail(path, `expected an object, got ${this.got(v)}`);
    return v as Record<string, unknown>;
  }

  /** Rejects keys the format does not know: a typo must not silently fall back to a default. */
  known(o: Record<string, unknown>, path: string, keys: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!keys.includes(k)) this.fail(path ? `${path}.${k}` : k, `unknown field (expected one of: ${keys.join(", ")})`);
    }
  }

  array(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${this.got(v)}`);
    return v as unknown[];
  }

  string(v: unknown, path: string): string {
    if (typeof v !== "string" || v.length === 0) this.fail(path, `expected a non-empty string, got ${this.got(v)}`);
    return v;
  }

  /**
   * A name that keys a table (a task, an mm, a page table, a VM): a non-empty string that is not
   * "__proto__", which as a key of a plain object would replace its prototype instead of adding an entry.
   */
  name(v: unknown, path: string): string {
    const s = this.string(v, path);
    if (s === "__proto__") this.fail(path, `"__proto__" cannot be a name`);
    return s;
  }

  bool(v: unknown, path: string): boolean {
    if (typeof v !== "boolean") this.fail(path, `expected true or false, got ${this.got(v)}`);
    return v;
  }

  int(v: unknown, path: string, min: number, max: number): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      this.fail(path, `expected an integer from ${min} to ${max}, got ${this.got(v)}`);
    }
    return v;
  }

  number(v: unknown, path: string, min: number, max: number): number {
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
      this.fail(path, `expected a number from ${min} to ${max}, got ${this.got(v)}`);
    }
    return v;
  }

  /** A 32-bit address: a number, or a string in hex ("0xc0008000") or decimal. */
  address(v: unknown, path: string): number {
    const n = typeof v === "string" && /^(0x[0-9a-f]+|[0-9]+)$/i.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
      this.fail(path, `expected an address from 0x0 to 0xffffffff (a number or a "0x..." string), got ${this.got(v)}`);
    }
    return n;
  }

  oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
    if (typeof v !== "string" || !options.includes(v as T)) {
      this.fail(path, `expected one of ${options.map((o) => `"${o}"`).join(", ")}, got ${this.got(v)}`);
    }
    return v as T;
  }

  /** Reads an optional field with a default. */
  opt<T>(o: Record<string, unknown>, key: string, path: string, dflt: T, read: (v: unknown, p: string) => T): T {
    return o[key] === undefined ? dflt : read(o[key], path ? `${path}.${key}` : key);
  }
}

/** Line and column of a character offset, for JSON syntax errors. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}
