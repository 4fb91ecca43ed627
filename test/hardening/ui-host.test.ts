/**
 * The viewer answers only requests addressed to it (issue 15, item 3): a page on another site that
 * rebinds its name to 127.0.0.1 sends its own name as Host and gets 421, not the log's events.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, viewerServer, type RunningServer } from "../../src/ui/server.js";
import { modelOf, runOf } from "../ui/model-helpers.js";

let running: RunningServer;
let port: number;
beforeAll(async () => {
  running = await listen(viewerServer(modelOf(runOf("tlb-shootdown-munmap")), new Map()), 0, "127.0.0.1");
  port = Number(new URL(running.url).port);
});
afterAll(() => running.close());

function statusFor(host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/api/meta", setHost: host !== undefined, headers: host === undefined ? {} : { host } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("the viewer's Host check", () => {
  it("answers the addresses it serves", async () => {
    for (const h of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`])
      expect(await statusFor(h), h).toBe(200);
  });
  it("refuses any other Host, or another port", async () => {
    for (const h of [
      "evil.example.com",
      `evil.example.com:${port}`,
      `127.0.0.1:${port + 1}`,
      "127.0.0.1",
      `127.0.0.1.evil.com:${port}`,
    ]) {
      expect([h, await statusFor(h)]).toEqual([h, 421]);
    }
  });
});
