/**
 * A worker process's thread: runs the queue units its process hands it, one at a time, and posts
 * their progress and result back (worker-process.ts keeps K of these).
 */
import { parentPort } from "node:worker_threads";
import { runQueueUnit } from "./run-unit.js";
import type { QueueUnit } from "./unit.js";

export interface ThreadTask {
  unit: QueueUnit;
  baseDir: string;
  /** Int32 [0]: the run's cut (unit.ts `keys.cut`), kept current by the process's main thread. */
  cut: SharedArrayBuffer;
}

if (parentPort) {
  const port = parentPort;
  port.on("message", (task: ThreadTask) => {
    runQueueUnit(task.unit, task.baseDir, new Int32Array(task.cut), (schedules) =>
      port.postMessage({ progress: schedules }),
    ).then(
      (result) => port.postMessage({ result }),
      (e: unknown) => port.postMessage({ error: (e as Error).message }),
    );
  });
}
