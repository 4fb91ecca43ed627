/**
 * Where two JSON values first differ, as a field path (`entry.asid`, `victims[1]`), so that a
 * divergence names the field that changed and not only the line.
 */
export interface FieldDifference {
  /** The path from the top ("" when the values differ in kind at the top). */
  path: string;
  logged: unknown;
  reexecuted: unknown;
}

export function firstDifference(a: unknown, b: unknown, path = ""): FieldDifference | null {
  if (Object.is(a, b)) return null;
  const bothArrays = Array.isArray(a) && Array.isArray(b);
  const bothObjects = isObject(a) && isObject(b);
  if (bothArrays) {
    const [x, y] = [a as unknown[], b as unknown[]];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const d = firstDifference(x[i], y[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (bothObjects) {
    const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
    // In the logged object's key order, then keys only the re-executed one has.
    const keys = [...Object.keys(x), ...Object.keys(y).filter((k) => !(k in x))];
    for (const k of keys) {
      const d = firstDifference(x[k], y[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
    // Same fields and values in a different order: JSON text differs, the values do not.
    const ox = Object.keys(x).join(",");
    const oy = Object.keys(y).join(",");
    return ox === oy ? null : { path: path || "(field order)", logged: ox, reexecuted: oy };
  }
  return { path, logged: a, reexecuted: b };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** "field entry.asid: logged 3, re-executed 4" (values as JSON, cut short). */
export function describeDifference(d: FieldDifference): string {
  const show = (v: unknown): string => {
    const s = v === undefined ? "(absent)" : JSON.stringify(v);
    return s.length > 60 ? s.slice(0, 57) + "..." : s;
  };
  return `field ${d.path || "(whole value)"}: logged ${show(d.logged)}, re-executed ${show(d.reexecuted)}`;
}
