/** `smpsim worker`: takes exploration units from a queue (explore --queue) and runs them. */
import { availableParallelism } from "node:os";
import { redisOptions } from "../distributed/connection.js";
import { runWorker } from "../distributed/worker-process.js";
import { intOption, parse } from "./args.js";
import type { Catalog } from "./catalog.js";
import { UsageError } from "./errors.js";
import type { Io } from "./io.js";

export const workerHelp = `usage: smpsim worker --queue redis://HOST:PORT[/db] [--threads K]

Takes units of \`smpsim explore ... --queue URL\` searches from the queue on that Redis and runs them on
K threads (default: the machine's cores), until stopped (SIGINT, SIGTERM). Start any number, on any
machines, each in a checkout of the same commit as the coordinator's (a unit made by another build
is refused, and a user allocator module must be the same file: its SHA-256 is checked; relative
module paths are looked up from the directory the worker was started in). A worker killed mid-unit
loses nothing: after about 6 s the unit is handed to another worker.
  --queue URL     the Redis the coordinator uses
  --threads K     units run at once (default ${availableParallelism()})
Each unit is logged as it starts and ends. Exit status: 0 stopped by a signal, 2 bad usage, or Redis
unreachable or lost (with a one-line reason).`;

const OPTIONS = { queue: { type: "string" }, threads: { type: "string" } } as const;

export async function workerCommand(argv: string[], _catalog: Catalog, io: Io): Promise<number> {
  const a = parse("worker", argv, OPTIONS, [0]);
  if (a.values.help) return (io.out(workerHelp), 0);
  const url = a.values.queue as string | undefined;
  if (url === undefined) throw new UsageError("worker: --queue redis://HOST:PORT is required (see smpsim help worker)");
  redisOptions(url); // a bad URL is a usage error before anything starts
  const threads = intOption("worker", "threads", a.values.threads, 1, 256) ?? availableParallelism();
  let stopWith: () => void = () => undefined;
  const stop = new Promise<void>((r) => (stopWith = r));
  const onSignal = (sig: NodeJS.Signals): void => {
    io.err(`smpsim worker: ${sig}: stopping (units running here go back to the queue)`);
    stopWith();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await runWorker({ url, threads, say: (line) => io.out(line), stop });
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    // Whatever a lost connection leaves behind (BullMQ's timers) must not keep the process alive.
    setTimeout(() => process.exit(), 3000).unref();
  }
}
