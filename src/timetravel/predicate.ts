/**
 * Event predicates for `find`, `next` and `prev`: `type=tlb.fill core=1 va=0x8000 asid=1`, in any
 * order, all of which must hold. Shorthands: a bare event type or family (`tlb.fill`, `tlb`, `ipi.*`),
 * `core 1`, and bare `key value` pairs. `va` matches by page; `asid` is a plain ASID or `gen:asid`.
 * `choice` events (scheduler decisions) are left out unless the type asks for them.
 */
import { vpnOf } from "../../cores/page-table.js";
import type { EventType, SimEvent } from "../events/index.js";
import { EVENT_TYPES as ALL_EVENT_TYPES } from "../events/specs.js";

export type EventPredicate = (ev: SimEvent) => boolean;

export class PredicateError extends Error {
  readonly _tag = "UsageError";
}

export const PREDICATE_KEYS = ["type", "core", "va", "asid", "mm", "task", "var", "lock", "ipi"] as const;
type Key = (typeof PREDICATE_KEYS)[number];

/**
 * The event types, for checking a type's spelling. `satisfies` rejects a misspelt one; a type added to
 * the union later is still accepted when the log at hand contains it (`parsePredicate`'s `seen`).
 */
/** Every event type (from the event spec table: the hypervisor's included). */
export const EVENT_TYPES: readonly EventType[] = ALL_EVENT_TYPES;

export function parseNumber(text: string, what: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new PredicateError(`${what}: expected a number (decimal or 0x hex), got "${text}"`);
  return n;
}

function typeMatcher(pattern: string, known: readonly string[]): (type: string) => boolean {
  const p = pattern.replace(/\.\*$/, "");
  if (known.includes(p)) return (t) => t === p;
  if (known.some((t) => t.startsWith(`${p}.`))) return (t) => t.startsWith(`${p}.`);
  throw new PredicateError(`unknown event type "${pattern}" (types: ${known.join(", ")}; or a family such as tlb, ipi, sched)`);
}

/** The virtual pages an event names (accesses, walks, PTE writes, TLBI by VA). */
export function pagesOf(ev: SimEvent): number[] {
  switch (ev.type) {
    case "tlb.hit":
    case "tlb.fill":
    case "mmu.fault":
    case "pte.write":
    case "pte.retire":
    case "pt.unlink":
      return [vpnOf(ev.va)];
    case "tlbi":
      return ev.op.vpn !== undefined ? [ev.op.vpn] : [];
    case "bus.deliver":
      return ev.msg.kind === "tlbi" && ev.msg.op.vpn !== undefined ? [ev.msg.op.vpn] : [];
    default:
      return [];
  }
}

/** The (generation, ASID) tags an event names; generation null when the event carries none. */
export function asidsOf(ev: SimEvent): { gen: number | null; asid: number }[] {
  switch (ev.type) {
    case "tlb.fill":
      return ev.entry.global ? [] : [{ gen: ev.entry.gen, asid: ev.entry.asid }];
    case "asid.assign":
      return [{ gen: ev.generation, asid: ev.asid }];
    case "reg.write":
      return typeof ev.regs.asid === "number" ? [{ gen: null, asid: ev.regs.asid }] : [];
    case "tlbi":
      return ev.op.asid !== undefined ? [{ gen: null, asid: ev.op.asid }] : [];
    case "bus.deliver":
      return ev.msg.kind === "tlbi" && ev.msg.op.asid !== undefined ? [{ gen: null, asid: ev.msg.op.asid }] : [];
    default:
      return [];
  }
}

function field(ev: SimEvent, name: string): unknown {
  return (ev as unknown as Record<string, unknown>)[name];
}

function clause(key: Key, value: string, known: readonly string[]): { test: EventPredicate; wantsChoice: boolean } {
  switch (key) {
    case "type": {
      const m = typeMatcher(value, known);
      return { test: (ev) => m(ev.type), wantsChoice: m("choice") };
    }
    case "core": {
      const c = value === "-1" ? -1 : parseNumber(value, "core");
      return { test: (ev) => ev.core === c, wantsChoice: false };
    }
    case "va": {
      const vpn = vpnOf(parseNumber(value, "va"));
      return { test: (ev) => pagesOf(ev).includes(vpn), wantsChoice: false };
    }
    case "asid": {
      const m = /^(\d+):(\d+)$/.exec(value);
      const gen = m ? Number(m[1]) : null;
      const asid = m ? Number(m[2]) : parseNumber(value, "asid");
      return {
        test: (ev) => asidsOf(ev).some((t) => t.asid === asid && (gen === null || t.gen === null || t.gen === gen)),
        wantsChoice: false,
      };
    }
    case "mm":
      return {
        test: (ev) => field(ev, "mm") === value || (ev.type === "tlb.fill" && ev.entry.table === value),
        wantsChoice: false,
      };
    case "task":
      return { test: (ev) => field(ev, "task") === value, wantsChoice: false };
    case "var":
      return { test: (ev) => ev.type.startsWith("var.") && field(ev, "name") === value, wantsChoice: false };
    case "lock":
      return { test: (ev) => ev.type.startsWith("lock.") && field(ev, "name") === value, wantsChoice: false };
    case "ipi":
      return {
        test: (ev) =>
          (ev.type === "ipi.send" && ev.msgs.some((m) => m.ipi === value)) ||
          (ev.type === "bus.deliver" && ev.msg.kind === "ipi" && ev.msg.ipi === value),
        wantsChoice: false,
      };
  }
}

const isKey = (s: string): s is Key => (PREDICATE_KEYS as readonly string[]).includes(s);

/** `seen`: event types beyond EVENT_TYPES to accept (those of the log being searched). */
export function parsePredicate(text: string, seen: Iterable<string> = []): EventPredicate {
  const known = [...new Set<string>([...EVENT_TYPES, ...seen])];
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (!words.length)
    throw new PredicateError(
      `empty predicate (give ${PREDICATE_KEYS.map((k) => `${k}=...`).join(" ")}, an event type, or core N)`,
    );
  const clauses: { test: EventPredicate; wantsChoice: boolean }[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const eq = w.indexOf("=");
    if (eq > 0) {
      const k = w.slice(0, eq);
      if (!isKey(k)) throw new PredicateError(`unknown key "${k}" (keys: ${PREDICATE_KEYS.join(", ")})`);
      clauses.push(clause(k, w.slice(eq + 1), known));
    } else if (isKey(w) && i + 1 < words.length) {
      clauses.push(clause(w, words[++i]!, known));
    } else {
      clauses.push(clause("type", w, known));
    }
  }
  const wantsChoice = clauses.some((c) => c.wantsChoice);
  return (ev) => (wantsChoice || ev.type !== "choice") && clauses.every((c) => c.test(ev));
}
