/** A litmus file `smpsim litmus` cannot take: bad syntax, or syntax outside the supported subset. */
export class LitmusError extends Error {
  readonly _tag = "LitmusError";
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}
