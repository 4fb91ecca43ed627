/** Bad input and usage errors: exit 2 with a one-line reason. Anything else is a bug in smpsim. */
export class UsageError extends Error {
  readonly _tag = "UsageError";
}

const INPUT_ERRORS = new Set([
  "UsageError",
  "ScenarioError",
  "LogError",
  "LogExistsError",
  "AllocatorError",
  "ScheduleSyntaxError",
  "QueueError",
]);

export function isInputError(e: unknown): e is Error {
  return e instanceof Error && INPUT_ERRORS.has((e as { _tag?: string })._tag ?? "");
}

export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_BAD_INPUT = 2;
/** An internal error (a bug): EX_SOFTWARE from sysexits.h. */
export const EXIT_INTERNAL = 70;
