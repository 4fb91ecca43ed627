/**
 * A throwaway redis-server for the queue tests: on a free loopback port, with a temporary directory,
 * no persistence; stopped by `stop`. `redisServer()` is null when redis-server is not installed
 * (.ci/run installs it; the tests then skip with a message). Not a test file itself.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN } from "../kernel/kernel-helpers.js";

export function redisServer(): string | null {
  for (const p of ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]) if (existsSync(p)) return p;
  const r = spawnSync("redis-server", ["--version"]);
  return r.status === 0 ? "redis-server" : null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  url: string;
  proc: ChildProcess;
  stop(): void;
}

export async function startRedis(bin: string): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "smpsim-redis-"));
  const proc = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: "ignore",
  });
  // Ready when it accepts a connection.
  for (let i = 0; i < 100; i++) {
    if (await accepts(port)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    proc,
    stop: () => {
      proc.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(true)); // the port is taken: by our redis
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(false)));
  });
}

/** A CLI process whose output is collected, and whose lines can be waited for. */
export class Cli {
  readonly proc: ChildProcess;
  out = "";
  err = "";
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string> = {}, cwd?: string) {
    this.proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, ...(cwd ? { cwd } : {}) });
    this.proc.stdout!.on("data", (d: Buffer) => (this.out += d.toString()));
    this.proc.stderr!.on("data", (d: Buffer) => (this.err += d.toString()));
    this.exited = new Promise((r) => this.proc.on("exit", (code) => r(code)));
  }

  /** Resolves once stdout or stderr matches (polling: no timing assumption beyond the test's timeout). */
  async waitFor(re: RegExp): Promise<void> {
    while (!re.test(this.out + this.err)) {
      if (this.proc.exitCode !== null) throw new Error(`exited (${this.proc.exitCode}) before ${re}: ${this.out}${this.err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill(sig: NodeJS.Signals = "SIGKILL"): void {
    if (this.proc.exitCode === null) this.proc.kill(sig);
  }
}
