/**
 * Schedule strings: the run's choices, in order, short enough to paste into a bug report.
 * Each pick is one base-36 digit, or `(digits)` in base 36 when it is 36 or more; `{n}` after a pick
 * repeats it n times in all. Example: picks 0,0,0,0,1,2,40 → "0{4}12(14)".
 */
export class ScheduleSyntaxError extends Error {
  readonly _tag = "ScheduleSyntaxError";
}

export function encodeSchedule(picks: readonly number[]): string {
  let out = "";
  for (let i = 0; i < picks.length;) {
    const p = picks[i]!;
    let run = 1;
    while (i + run < picks.length && picks[i + run] === p) run++;
    const tok = p < 36 ? p.toString(36) : `(${p.toString(36)})`;
    // Runs of three or more get a repeat marker (readable; from five on it is also shorter).
    if (run >= 3) out += `${tok}{${run}}`;
    else out += tok.repeat(run);
    i += run;
  }
  return out;
}

/** `encodeSchedule` one pick at a time, for a log read as a stream (only the string is kept). */
export class ScheduleEncoder {
  private out = "";
  private pick = -1;
  private run = 0;
  add(p: number): void {
    if (p === this.pick) this.run++;
    else {
      this.flush();
      this.pick = p;
      this.run = 1;
    }
  }
  get value(): string {
    this.flush();
    return this.out;
  }
  private flush(): void {
    if (this.run > 0) {
      const tok = this.pick < 36 ? this.pick.toString(36) : `(${this.pick.toString(36)})`;
      this.out += this.run >= 3 ? `${tok}{${this.run}}` : tok.repeat(this.run);
    }
    this.run = 0;
    this.pick = -1;
  }
}

/** No run makes more choices than this; a longer schedule is a typo (or an attack on memory). */
export const MAX_PICKS = 50_000_000;

/**
 * A decoded schedule kept as runs of one pick, so `0{49999999}` costs two numbers, not 400 MB. It reads
 * like an array (`length`, `at(i)`), fastest in order, as a chooser reads it.
 */
export class SchedulePicks {
  readonly length: number;
  private run = 0;
  private runStart = 0;
  constructor(private readonly runs: readonly { pick: number; times: number }[]) {
    this.length = runs.reduce((n, r) => n + r.times, 0);
  }
  at(i: number): number | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    if (i < this.runStart) {
      this.run = 0;
      this.runStart = 0;
    }
    while (i >= this.runStart + this.runs[this.run]!.times) this.runStart += this.runs[this.run++]!.times;
    return this.runs[this.run]!.pick;
  }
  toArray(): number[] {
    return this.runs.flatMap((r) => new Array<number>(r.times).fill(r.pick));
  }
}

export function decodeSchedule(s: string): number[] {
  return decodeScheduleLazily(s).toArray();
}

export function decodeScheduleLazily(s: string): SchedulePicks {
  const runs: { pick: number; times: number }[] = [];
  let total = 0;
  let i = 0;
  const fail = (why: string): never => {
    throw new ScheduleSyntaxError(`schedule string, character ${i + 1}: ${why}`);
  };
  while (i < s.length) {
    const ch = s[i]!;
    let pick: number;
    if (ch === "(") {
      const end = s.indexOf(")", i);
      if (end < 0) fail("'(' without ')'");
      const digits = s.slice(i + 1, end);
      if (!/^[0-9a-z]+$/.test(digits)) fail(`'(${digits})' is not a base-36 number`);
      pick = parseInt(digits, 36);
      if (!Number.isSafeInteger(pick)) fail(`'(${digits})' is too large a choice`);
      i = end + 1;
    } else if (/[0-9a-z]/.test(ch)) {
      pick = parseInt(ch, 36);
      i++;
    } else {
      fail(`unexpected '${ch}'`);
      return new SchedulePicks(runs);
    }
    let times = 1;
    if (s[i] === "{") {
      const end = s.indexOf("}", i);
      if (end < 0) fail("'{' without '}'");
      const n = s.slice(i + 1, end);
      if (!/^[1-9][0-9]*$/.test(n)) fail(`'{${n}}' is not a repeat count`);
      times = Number(n);
      i = end + 1;
    }
    total += times;
    if (total > MAX_PICKS) fail(`more than ${MAX_PICKS} choices`);
    const last = runs.at(-1);
    if (last && last.pick === pick) last.times += times;
    else runs.push({ pick, times });
  }
  return new SchedulePicks(runs);
}
