/**
 * The JSON API: one function per path, each a thin translation from query parameters to the model.
 * Kept apart from the HTTP server so the tests can ask it questions without a socket.
 */
import { BadRequest, type ViewerModel } from "./viewer-model.js";

export interface Reply {
  status: number;
  body: unknown;
}

/** A non-negative integer query parameter; absent uses `dflt` (an error when there is none). */
function intParam(q: URLSearchParams, name: string, dflt?: number): number {
  const v = q.get(name);
  if (v === null || v === "") {
    if (dflt === undefined) throw new BadRequest(`missing query parameter ${name}`);
    return dflt;
  }
  if (!/^\d+$/.test(v)) throw new BadRequest(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

type Handler = (m: ViewerModel, q: URLSearchParams) => unknown;

const ROUTES: Record<string, Handler> = {
  "/api/meta": (m) => m.meta(),
  "/api/events": (m, q) => m.events(intParam(q, "from"), intParam(q, "to")),
  "/api/lanes": (m, q) => m.spansAndArrows(intParam(q, "from"), intParam(q, "to")),
  "/api/state": (m, q) => m.state(intParam(q, "at")),
  "/api/diff": (m, q) => m.diff(intParam(q, "at")),
  "/api/list": (m, q) => m.queries.list(q.get("q") ?? "", intParam(q, "from", 0), dirParam(q)),
  "/api/step": (m, q) => ({
    at: m.queries.step(m.checkedPosition(intParam(q, "at")), signedParam(q, "by"), q.get("choices") === "1"),
  }),
  "/api/why": (m, q) => m.queries.why(m.checkedPosition(intParam(q, "at")), intParam(q, "core"), q.get("va") ?? ""),
  "/api/watch": (m, q) => m.queries.watch(q.get("expr") ?? "", m.checkedPosition(intParam(q, "at")), dirParam(q)),
  "/api/density": (m, q) => m.queries.density(intParam(q, "buckets", 400)),
};

function dirParam(q: URLSearchParams): 1 | -1 {
  const d = q.get("dir") ?? "1";
  if (d !== "1" && d !== "-1") throw new BadRequest(`dir must be 1 or -1, got ${JSON.stringify(d)}`);
  return d === "1" ? 1 : -1;
}

function signedParam(q: URLSearchParams, name: string): number {
  const v = q.get(name) ?? "";
  if (!/^-?\d{1,9}$/.test(v)) throw new BadRequest(`${name} must be an integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** Whether the path is an API path (anything else is a static file). */
export const isApi = (path: string): boolean => path === "/api" || path.startsWith("/api/");

export function answer(model: ViewerModel, path: string, query: URLSearchParams): Reply {
  const route = ROUTES[path];
  if (!route) return { status: 404, body: { error: `no API ${path} (there are ${Object.keys(ROUTES).join(", ")})` } };
  try {
    return { status: 200, body: route(model, query) };
  } catch (e) {
    if (e instanceof BadRequest) return { status: 400, body: { error: e.message } };
    throw e;
  }
}
