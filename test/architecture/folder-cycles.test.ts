/**
 * No import cycles between folders (rooms: `src/<name>`, `cores`, `bus`, `scenarios`), type imports
 * included. dependency-cruiser (`npm run lint:deps`) finds cycles between files; a cycle between
 * folders (kernel → log → kernel through different files) is the layering mistake it cannot see.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === "web" && dir === "src/ui" ? [] : files(p);
    return /\.tsx?$/.test(d.name) && !d.name.endsWith(".d.ts") ? [p] : [];
  });
}

function roomOf(path: string): string {
  const parts = path.split("/");
  return parts[0] === "src" ? `src/${parts[1]!.replace(/\.tsx?$/, "")}` : parts[0]!;
}

/** Folder → folders it imports from (relative imports only: packages are not rooms). */
function folderGraph(): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  for (const file of ["src", "cores", "bus", "scenarios"].flatMap(files)) {
    const from = roomOf(file);
    const text = readFileSync(join(root, file), "utf8");
    for (const m of text.matchAll(/(?:import|export)[^"']*?from\s+["'](\.[^"']+)["']/g)) {
      const target = relative(root, resolve(root, dirname(file), m[1]!));
      const to = roomOf(target);
      if (to === from || to.startsWith("test")) continue;
      if (!g.has(from)) g.set(from, new Set());
      g.get(from)!.add(to);
    }
  }
  return g;
}

function findCycle(g: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === "done") return null;
    if (state.get(n) === "open") return [...path.slice(path.indexOf(n)), n];
    state.set(n, "open");
    path.push(n);
    for (const m of [...(g.get(n) ?? [])].sort()) {
      const c = visit(m);
      if (c) return c;
    }
    path.pop();
    state.set(n, "done");
    return null;
  };
  for (const n of [...g.keys()].sort()) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

describe("folder layering", () => {
  it("has no import cycle between folders", () => {
    expect(findCycle(folderGraph())).toBeNull();
  });

  it("finds a cycle when one folder imports back from another (the check has teeth)", () => {
    const g = folderGraph();
    g.set("src/events", new Set([...(g.get("src/events") ?? []), "src/kernel"]));
    expect(findCycle(g)).not.toBeNull();
  });
});
