/**
 * Runs the built `smpsim` (bin/smpsim.js over dist/) as a user does, in a fresh temporary directory.
 * Not a test file itself. `npm test` builds dist/ first; a bare `npx vitest run` builds it once here.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const bin = join(root, "bin/smpsim.js");

export function ensureCliBuilt(): void {
  if (existsSync(join(root, "dist/src/cli/main.js"))) return;
  const tsc = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", root], { encoding: "utf8" });
  if (!existsSync(join(root, "dist/src/cli/main.js"))) throw new Error(`could not build dist/: ${tsc.stdout}${tsc.stderr}`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "smpsim-cli-"));
}

export function smpsimIn(cwd: string, args: string[], opts: SpawnSyncOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 60_000, ...opts });
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A test file's own temporary directory, made before its tests (building dist/ if needed) and removed after. */
export interface CliSandbox {
  /** The directory (set once the file's tests start). */
  readonly cwd: string;
  /** Runs smpsim there. */
  readonly smpsim: (...args: string[]) => CliResult;
}

export function cliSandbox(): CliSandbox {
  let cwd = "";
  beforeAll(() => {
    ensureCliBuilt();
    cwd = tempDir();
  }, 120_000);
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  return {
    get cwd() {
      return cwd;
    },
    smpsim: (...args) => smpsimIn(cwd, args),
  };
}
