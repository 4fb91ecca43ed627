/**
 * The page's built files (Vite writes them to dist/ui/ during `npm ci`), served from memory: they are a
 * few hundred kilobytes, read once, and nothing outside that folder can be asked for.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";

export interface StaticFile {
  type: string;
  body: Buffer;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".ico": "image/x-icon",
  ".png": "image/png",
};

/** URL path ("/assets/x.js") → file, for every file under `dir`. */
export function loadStaticFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(dir)) return files;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else
        files.set("/" + relative(dir, p).split(sep).join("/"), {
          type: TYPES[extname(p)] ?? "application/octet-stream",
          body: readFileSync(p),
        });
    }
  };
  walk(dir);
  const index = files.get("/index.html");
  if (index) files.set("/", index);
  return files;
}
