/**
 * Watch expressions: a value read from a state, compared as text, so `watch` can run forward or
 * backward to the event that changes it. Forms:
 *   NAME | var NAME        a shared variable (cpu_last_asid, M0.context.id, ...)
 *   core N REG             a register (asid, ttbr0, ttbr1, vmid, vttbr, stage2, mode, irqOn, vectorsHigh)
 *   core N ctx|task|wait|irq
 *   tlb N size | tlb N     the number of entries, or the entries (by VA, tags and PA)
 *   tlb N VA               the entry core N would use for VA now
 *   lock NAME | task ID | pte TABLE VA | inflight
 */
import type { CoreState } from "../../cores/core-state.js";
import { hex, PAGE_SIZE, vpnOf } from "../../cores/page-table.js";
import { lookup, type TlbEntry } from "../../cores/tlb.js";
import type { MachineState } from "../state/machine-state.js";
import { parseNumber, PredicateError } from "./predicate.js";

export interface WatchExpr {
  text: string;
  read(s: MachineState): string;
}

export const WATCH_FORMS =
  "NAME | var NAME | core N REG|ctx|task|wait|irq | tlb N [size|VA] | lock NAME | task ID | pte TABLE VA | inflight";

const ctxText = (ctx: CoreState["ctx"]): string => (ctx ? `${ctx.mm} ${ctx.generation}:${ctx.asid}` : "none");
const entryText = (e: TlbEntry): string =>
  `${hex(e.vpn * PAGE_SIZE)} ${e.global ? "G" : `${e.gen}:${e.asid}`} vmid ${e.vmid} → ${hex(e.pa)}${e.writable ? "" : " ro"} (${e.table} #${e.filledAt})`;

function coreOf(s: MachineState, n: number): CoreState {
  const c = s.cores[n];
  if (!c) throw new PredicateError(`no core ${n} (cores 0 to ${s.cores.length - 1})`);
  return c;
}

const KEYWORDS = new Set(["core", "tlb", "lock", "task", "pte", "inflight", "var"]);
const bad = (text: string): PredicateError => new PredicateError(`cannot watch "${text}" (forms: ${WATCH_FORMS})`);

/** Parses against a state of the log (to check names and cores); throws PredicateError on a bad form. */
export function parseWatch(text: string, sample: MachineState): WatchExpr {
  const w = text.trim().split(/\s+/).filter(Boolean);
  const [head, a, b] = w;
  const make = (read: (s: MachineState) => string): WatchExpr => {
    read(sample); // a bad core number or register throws now, not halfway through a search
    return { text: w.join(" "), read };
  };
  if (head === undefined) throw bad(text);
  if (head === "core" && a !== undefined && b !== undefined && w.length === 3) {
    const n = parseNumber(a, "core");
    const c0 = coreOf(sample, n);
    if (b === "ctx") return make((s) => ctxText(coreOf(s, n).ctx));
    if (b === "task") return make((s) => coreOf(s, n).task || "idle");
    if (b === "wait") return make((s) => JSON.stringify(coreOf(s, n).wait));
    if (b === "irq") return make((s) => String(coreOf(s, n).inIrq));
    if (Object.hasOwn(c0.regs, b)) return make((s) => String((coreOf(s, n).regs as unknown as Record<string, unknown>)[b]));
    throw new PredicateError(
      `core ${n} has no register or field "${b}" (registers: ${Object.keys(c0.regs).join(", ")}; or ctx, task, wait, irq)`,
    );
  }
  if (head === "tlb" && a !== undefined && w.length <= 3) {
    const n = parseNumber(a, "core");
    coreOf(sample, n);
    if (b === undefined) return make((s) => coreOf(s, n).tlb.map(entryText).sort().join("; "));
    if (b === "size") return make((s) => String(coreOf(s, n).tlb.length));
    const vpn = vpnOf(parseNumber(b, "va"));
    return make((s) => {
      const c = coreOf(s, n);
      const i = lookup(c.tlb, vpn, c.regs.asid, c.regs.vmid);
      return i < 0 ? "no entry" : entryText(c.tlb[i]!);
    });
  }
  if (head === "lock" && a !== undefined && w.length === 2)
    return make((s) => (Object.hasOwn(s.locks, a) ? `held by core ${s.locks[a]}` : "free"));
  if (head === "task" && a !== undefined && w.length === 2) {
    if (!sample.tasks[a]) throw new PredicateError(`no task "${a}" (tasks: ${Object.keys(sample.tasks).join(", ")})`);
    return make((s) => {
      const t = s.tasks[a]!;
      return t.status === "running" ? `running on core ${t.on}` : t.status;
    });
  }
  if (head === "pte" && a !== undefined && b !== undefined && w.length === 3) {
    const vpn = vpnOf(parseNumber(b, "va"));
    return make((s) => {
      const p = s.tables[a]?.[vpn];
      return p ? `${hex(p.pa)}${p.global ? " G" : ""}${p.writable ? "" : " ro"}` : "unmapped";
    });
  }
  if (head === "inflight" && w.length === 1) return make((s) => String(s.inflight.size));
  const name = head === "var" && a !== undefined && w.length === 2 ? a : w.length === 1 ? head : null;
  if (name !== null && Object.hasOwn(sample.vars, name)) return make((s) => String(s.vars[name] ?? "unset"));
  if (name !== null && !KEYWORDS.has(name)) {
    const known = Object.keys(sample.vars);
    throw new PredicateError(
      `no shared variable "${name}" (variables: ${known.slice(0, 12).join(", ")}${known.length > 12 ? ", ..." : ""}; or ${WATCH_FORMS})`,
    );
  }
  throw bad(text);
}
