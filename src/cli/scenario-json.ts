/**
 * A resolved scenario as a JSON file a user can edit: every default filled in, addresses in hex
 * ("0xc0008000", not 3221258240), short objects and arrays on one line. Reading it back gives the same
 * scenario (the format reader accepts "0x..." strings wherever it takes an address).
 */
import type { HypConfig, Scenario, WorkloadOp } from "../scenario/types.js";

const hex = (n: number): string => `0x${n.toString(16)}`;

function opWithHex(op: WorkloadOp): unknown {
  switch (op.op) {
    case "read":
    case "write":
    case "unmap":
      return { ...op, va: hex(op.va) };
    case "map":
      return { ...op, va: hex(op.va), pa: hex(op.pa) };
    case "repeat":
      return { ...op, body: op.body.map(opWithHex) };
    case "hvc":
      return { ...op, host: op.host.map(hex) };
    default:
      return op;
  }
}

export function scenarioWithHex(s: Scenario): unknown {
  const tables = Object.fromEntries(
    Object.entries(s.tables).map(([id, t]) => [
      id,
      Object.fromEntries(Object.entries(t).map(([va, p]) => [hex(Number(va)), { ...p, pa: hex(p.pa) }])),
    ]),
  );
  const hyp: unknown =
    s.hyp === null
      ? null
      : ({ ...s.hyp, sharedPage: hex(s.hyp.sharedPage) } satisfies Omit<HypConfig, "sharedPage"> & { sharedPage: string });
  return {
    ...s,
    machine: {
      ...s.machine,
      pageOffset: hex(s.machine.pageOffset),
      speculation: { ...s.machine.speculation, vas: s.machine.speculation.vas.map(hex) },
    },
    tables,
    tasks: s.tasks.map((t) => ({ ...t, script: t.script.map(opWithHex) })),
    hyp,
  };
}

/** JSON indented by two spaces, except that a value whose one-line form fits in `width` stays on one line. */
export function compactJson(v: unknown, width = 100, indent = ""): string {
  const flat = oneLine(v);
  if (flat.length + indent.length <= width || v === null || typeof v !== "object") return flat;
  const inner = indent + "  ";
  if (Array.isArray(v)) return `[\n${v.map((x) => inner + compactJson(x, width, inner)).join(",\n")}\n${indent}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${compactJson(x, width, inner)}`).join(",\n")}\n${indent}}`;
}

/** JSON on one line with a space after each comma and colon, as a person would write it. */
function oneLine(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(oneLine).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}: ${oneLine(x)}`).join(", ")}}`;
  }
  return JSON.stringify(v) ?? "null";
}
