/**
 * A state hash that is the same on every machine: FNV-1a (64-bit, as two 32-bit halves) over a
 * canonical JSON rendering with object keys sorted.
 */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  // As JSON.stringify does: a value that says how it serialises (the messages in flight, src/state/in-flight.ts).
  if (typeof (v as { toJSON?: unknown }).toJSON === "function") return canonicalJson((v as { toJSON(): unknown }).toJSON());
  if (Array.isArray(v)) return "[" + v.map(canonicalJson).join(",") + "]";
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonicalJson(o[k])).join(",") + "}";
}

export function fnv1a64(text: string): string {
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0xcbf29ce4 | 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c ^ (h1 >>> 16), 0x01000193);
  }
  return (h2 >>> 0).toString(16).padStart(8, "0") + (h1 >>> 0).toString(16).padStart(8, "0");
}

export function stateHash(state: unknown): string {
  return fnv1a64(canonicalJson(state));
}
