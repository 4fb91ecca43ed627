/** Where the CLI writes: injected so tests can capture it. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Whether stderr is a terminal (progress is only drawn there). */
  tty: boolean;
  /** Whether stdout is a terminal: column headers go only there, so scripts read one line per item. */
  outTty?: boolean;
}

export const processIo: Io = {
  out: (line) => void process.stdout.write(line + "\n"),
  err: (line) => void process.stderr.write(line + "\n"),
  // isTTY is undefined, not false, when stderr is not a terminal (its type says boolean).
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion
  tty: Boolean(process.stderr.isTTY),
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion
  outTty: Boolean(process.stdout.isTTY),
};
