/**
 * The viewer's HTTP server on a real socket: the API answers JSON with the right status, the page's
 * files are served from the built folder, anything else is a 404, and a port in use is a clear error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, ListenError, viewerServer, type RunningServer } from "../../src/ui/server.js";
import type { StaticFile } from "../../src/ui/static-files.js";
import { modelOf, runOf } from "./model-helpers.js";

const page: StaticFile = {
  type: "text/html; charset=utf-8",
  body: Buffer.from("<!doctype html><html><body>viewer</body></html>"),
};
const files = new Map([
  ["/", page],
  ["/index.html", page],
]);
let running: RunningServer;

beforeAll(async () => {
  running = await listen(viewerServer(modelOf(runOf("tlb-shootdown-munmap")), files), 0, "127.0.0.1");
});
afterAll(() => running.close());

const get = (path: string, init?: RequestInit): Promise<Response> => fetch(new URL(path, running.url), init);

describe("the viewer's server", () => {
  it("prints a loopback address and answers the API as JSON", async () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await get("/api/meta");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/application\/json/);
    expect(await r.json()).toMatchObject({ scenario: "tlb-shootdown-munmap", cores: 2 });
  });

  it("answers a bad parameter with 400 and the reason", async () => {
    const r = await get("/api/state?at=x");
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/at must be/);
  });

  it("serves the page at / and 404s anything it does not have", async () => {
    const r = await get("/");
    expect(r.status).toBe(200);
    expect(await r.text()).toMatch(/<html/);
    expect((await get("/../../etc/passwd")).status).toBe(404);
    expect((await get("/nothing.js")).status).toBe(404);
  });

  it("refuses methods other than GET and HEAD", async () => {
    expect((await get("/api/meta", { method: "POST" })).status).toBe(405);
  });

  it("says the port is in use, and how to choose another, when it is", async () => {
    const port = Number(new URL(running.url).port);
    const second = listen(viewerServer(modelOf(runOf("tlb-shootdown-munmap")), files), port, "127.0.0.1");
    await expect(second).rejects.toThrow(ListenError);
    await expect(second).rejects.toThrow(/port \d+ on 127\.0\.0\.1 is already in use/);
  });
});
