/**
 * Runs the real `smpsim ui` (bin/smpsim.js over the built dist/) as users do, waits for the address it
 * prints, and stops it with SIGTERM as Ctrl-C or a service manager would. Not a test file itself.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const bin = join(root, "bin/smpsim.js");

/** Builds dist/ (the server and the page) when a bare `npx vitest run` starts without it. */
export function ensureBuilt(): void {
  if (existsSync(join(root, "dist/src/cli/main.js")) && existsSync(join(root, "dist/ui/index.html"))) return;
  const r = spawnSync("npm", ["run", "build"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`could not build dist/: ${r.stdout}${r.stderr}`);
}

export interface UiProcess {
  url: string;
  stdout: string;
  stderr: string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function startUi(log: string, ...args: string[]): Promise<UiProcess> {
  const child = spawn(process.execPath, [bin, "ui", log, "--port", "0", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = { stdout: "", stderr: "" };
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return new Promise((resolveUi, reject) => {
    const timer = setTimeout(() => fail(new Error("smpsim ui printed no address within 20 s")), 20_000);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${e.message}\nstdout: ${out.stdout}\nstderr: ${out.stderr}`));
    };
    child.stderr.on("data", (d: Buffer) => void (out.stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out.stdout += d.toString();
      const m = /at (http:\/\/\S+)/.exec(out.stdout);
      if (!m) return;
      clearTimeout(timer);
      resolveUi({
        url: m[1]!,
        get stdout() {
          return out.stdout;
        },
        get stderr() {
          return out.stderr;
        },
        stop: () => (child.kill("SIGTERM"), exited),
      });
    });
    void exited.then((code) => fail(new Error(`smpsim ui exited with ${code} before printing its address`)));
  });
}
