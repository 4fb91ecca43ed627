/** A question the page asked wrongly (HTTP 400). */
export class BadRequest extends Error {
  readonly _tag = "BadRequest";
}
