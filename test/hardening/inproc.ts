/**
 * The CLI run in-process (`main(argv, catalog, io)`), its output captured: the hardening tests drive
 * thousands of inputs, which spawning a process each could not afford. Not a test file itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalog } from "../../scenarios/index.js";
import { main } from "../../src/cli/main.js";

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export async function smpsim(argv: readonly string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main([...argv], catalog, { out: (l) => void out.push(l), err: (l) => void err.push(l), tty: false });
  return { status, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** A fresh temporary folder and a function that removes it. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `smpsim-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The one-line bad-input contract: exit 2, one stderr line, no stack trace. */
export function isCleanBadInput(r: CliResult): boolean {
  return r.status === 2 && !r.stderr.includes("\n") && !/\n\s+at /.test(r.stderr) && !r.stderr.includes("internal error");
}
