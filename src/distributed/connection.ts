/**
 * Connections to Redis for the coordinator and the workers: `redis://HOST:PORT[/db]` parsed, and a
 * retry policy that gives up after a few seconds, so that Redis going away ends both sides with a
 * clear message (exit 2) instead of reconnecting for ever.
 */
import { Redis } from "ioredis";

/** Bad queue URL or a lost connection: the CLI prints the message and exits 2 (cli/errors.ts). */
export class QueueError extends Error {
  readonly _tag = "QueueError";
}

/** How long a connection keeps trying before the command fails (ms). */
export const GIVE_UP_MS = 4000;
const RETRY_MS = 250;

export interface QueueConnection {
  host: string;
  port: number;
  db: number;
  maxRetriesPerRequest: null;
  retryStrategy: (times: number) => number | null;
  connectTimeout: number;
  lazyConnect: boolean;
}

export function redisOptions(url: string): QueueConnection {
  const m = /^redis:\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?(?:\/(\d+))?\/?$/.exec(url);
  const port = m?.[2] === undefined ? 6379 : Number(m[2]);
  if (!m || port < 1 || port > 65535) throw new QueueError(`--queue: wants redis://HOST:PORT[/db], got "${url}"`);
  return {
    host: m[1]!.replace(/^\[|\]$/g, ""),
    port,
    db: m[3] === undefined ? 0 : Number(m[3]),
    // BullMQ's blocking commands need this; a lost connection is noticed by the retry policy instead.
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => (times * RETRY_MS > GIVE_UP_MS ? null : RETRY_MS),
    connectTimeout: GIVE_UP_MS,
    lazyConnect: true,
  };
}

/**
 * A plain client of our own (progress, the cut, liveness): connected, or a QueueError naming the URL.
 * `onLost` is called once if the connection is lost for good later.
 */
export async function connect(url: string, onLost: (why: string) => void): Promise<Redis> {
  const r = new Redis(redisOptions(url));
  let last = "";
  r.on("error", (e: Error) => void (last = e.message));
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    r.disconnect();
    throw new QueueError(`cannot reach Redis at ${url}: ${last || (e as Error).message}`);
  }
  r.once("end", () => onLost(`lost the connection to Redis at ${url}${last ? `: ${last}` : ""}`));
  return r;
}
