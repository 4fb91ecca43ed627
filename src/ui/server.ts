/**
 * The viewer's HTTP server (node:http, nothing more is needed): the JSON API under /api/ and the built
 * page for everything else. It listens on the loopback interface unless told otherwise.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { answer, isApi } from "./routes.js";
import type { StaticFile } from "./static-files.js";
import type { ViewerModel } from "./viewer-model.js";

export class ListenError extends Error {
  readonly _tag = "UsageError";
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/**
 * Whether a request's Host header names the address this server serves: 127.0.0.1, localhost or [::1]
 * (or `host`, the address it was told to listen on) with its port. A browser sends the name it resolved,
 * so a page on another site whose name was rebound to 127.0.0.1 (DNS rebinding) sends its own name and
 * is refused: without this check such a page could read the log through the API.
 */
export function hostAllowed(header: string | undefined, server: Server, host?: string): boolean {
  const a = server.address();
  if (header === undefined || a === null || typeof a === "string") return false;
  const names = ["127.0.0.1", "localhost", "[::1]"];
  if (host) names.push(host.includes(":") && !host.startsWith("[") ? `[${host}]` : host);
  return names.some((n) => header.toLowerCase() === `${n.toLowerCase()}:${a.port}`);
}

/** `host`: the address given with --host, also accepted in the Host header. */
export function viewerServer(model: ViewerModel, files: ReadonlyMap<string, StaticFile>, host?: string): Server {
  const server: Server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, server, host)) {
      res
        .writeHead(421, { "content-type": "text/plain; charset=utf-8" })
        .end("misdirected request: this viewer answers only its own address\n");
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (isApi(url.pathname)) {
      let reply;
      try {
        reply = answer(model, url.pathname, url.searchParams);
      } catch (e) {
        reply = { status: 500, body: { error: `internal error: ${(e as Error).message}` } };
      }
      const body = JSON.stringify(reply.body);
      res
        .writeHead(reply.status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
        .end(req.method === "HEAD" ? undefined : body);
      return;
    }
    const file = files.get(url.pathname);
    if (!file) {
      const missing = files.size === 0 ? " (the page is not built: run `npm ci` or `npm run build`)" : "";
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`not found: ${url.pathname}${missing}\n`);
      return;
    }
    res.writeHead(200, { "content-type": file.type }).end(req.method === "HEAD" ? undefined : file.body);
  });
  return server;
}

/** Listens on host:port (port 0: any free one); a port in use or a host that cannot be bound is a ListenError. */
export function listen(server: Server, port: number, host: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      const why =
        e.code === "EADDRINUSE"
          ? "is already in use (choose another with --port, or --port 0 for any free one)"
          : e.code === "EACCES"
            ? "needs privileges"
            : `cannot be used (${e.code ?? e.message})`;
      reject(new ListenError(`ui: port ${port} on ${host} ${why}`));
    });
    server.listen(port, host, () => {
      const a = server.address() as AddressInfo;
      const h = a.family === "IPv6" ? `[${a.address}]` : a.address;
      resolve({
        server,
        url: `http://${h}:${a.port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
