/** A log that cannot be read, or is damaged: bad input (exit 2), with a message naming the file and line. */
export class LogError extends Error {
  readonly _tag = "LogError";
}
