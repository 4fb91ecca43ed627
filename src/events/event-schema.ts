/**
 * What a logged event must look like before the reducer may fold it (issue 15, item 5): one schema per
 * event type, keyed by the union's `type` so that TypeScript insists every type has one. A log is input
 * like a scenario file: a field of the wrong type, a core or TLB slot that does not exist, a task the
 * header's configuration does not have, is reported by line instead of crashing the reducer.
 * The schemas follow the event interfaces in src/events/ (the reducer's own definitions).
 */
import type { EventType, SimEvent } from "./index.js";

/** What the header's configuration says exists. */
export interface SchemaContext {
  cores: number;
  tlbEntries: number;
  tasks: ReadonlySet<string>;
  vcpus: ReadonlySet<string>;
  hyp: boolean;
}

/** A check: null when `v` fits, else what is wrong with it (the field path is added by the caller). */
type Check = (v: unknown, cx: SchemaContext) => string | null;

const got = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 30 ? s.slice(0, 27) + "..." : s;
};
const int =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max
      ? null
      : `expected an integer from ${min} to ${max}, got ${got(v)}`;
const u32 = int(0, 0xffffffff);
const count = int(0, Number.MAX_SAFE_INTEGER);
const num: Check = (v) => (typeof v === "number" && Number.isFinite(v) ? null : `expected a number, got ${got(v)}`);
const bool: Check = (v) => (typeof v === "boolean" ? null : `expected true or false, got ${got(v)}`);
const str: Check = (v) => (typeof v === "string" ? null : `expected a string, got ${got(v)}`);
const oneOf =
  (...options: readonly string[]): Check =>
  (v) =>
    typeof v === "string" && options.includes(v) ? null : `expected one of ${options.join(", ")}, got ${got(v)}`;
const core: Check = (v, cx) => int(0, cx.cores - 1)(v, cx);
const slot: Check = (v, cx) => int(0, cx.tlbEntries - 1)(v, cx);
const task: Check = (v, cx) =>
  typeof v === "string" && cx.tasks.has(v) ? null : `no task ${got(v)} in the header's config.tasks`;
const taskOrNone: Check = (v, cx) => (v === "" ? null : task(v, cx));
const vcpu: Check = (v, cx) => (typeof v === "string" && cx.vcpus.has(v) ? null : `no vCPU ${got(v)} in the header's config`);
const nullable =
  (c: Check): Check =>
  (v, cx) =>
    v === null ? null : c(v, cx);
const optional =
  (c: Check): Check =>
  (v, cx) =>
    v === undefined ? null : c(v, cx);

type Shape = Readonly<Record<string, Check>>;

/** An object with exactly these fields (a missing or extra field is a change the writer never makes). */
function obj(shape: Shape): Check {
  const fields = Object.entries(shape);
  return (v, cx) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return `expected an object, got ${got(v)}`;
    const o = v as Record<string, unknown>;
    for (const k in o) if (!Object.hasOwn(shape, k)) return `${k}: unexpected field`;
    for (let i = 0; i < fields.length; i++) {
      const [k, c] = fields[i]!;
      const why = c(o[k], cx);
      if (why) return `${k}: ${why}`;
    }
    return null;
  };
}

function arr(item: Check): Check {
  return (v, cx) => {
    if (!Array.isArray(v)) return `expected an array, got ${got(v)}`;
    for (const [i, x] of v.entries()) {
      const why = item(x, cx);
      if (why) return `[${i}]: ${why}`;
    }
    return null;
  };
}

const MODE = oneOf("USR", "SVC", "HYP");
const REGS: Shape = {
  mode: optional(MODE),
  ttbr0: optional(str),
  ttbr1: optional(str),
  asid: optional(count),
  vttbr: optional(str),
  vmid: optional(count),
  stage2: optional(bool),
  vectorsHigh: optional(bool),
  irqOn: optional(bool),
  ttbcrSplit: optional(bool),
  hcr: optional(count),
  cntvCtl: optional(count),
  cntvCval: optional(num),
  cntvoff: optional(num),
};
const TLBI = obj({
  scope: oneOf("all", "asid", "va", "vaa", "vmid", "allvm"),
  asid: optional(count),
  vpn: optional(u32),
  vmid: optional(count),
  leaf: optional(bool),
});
const WC_USE = obj({ l1: count, pfn: count, cached: bool, holds: optional(nullable(obj({ table: str, l1: count }))) });
const ENVELOPE: Shape = { id: count, from: core, to: core, sentAt: num, deliverAt: num };
const IPI_MSG = obj({ ...ENVELOPE, kind: oneOf("ipi"), ipi: str, arg: num });
const TLBI_MSG = obj({
  ...ENVELOPE,
  kind: oneOf("tlbi"),
  op: TLBI,
  vmid: count,
  late: optional((v) => (v === true ? null : `expected true, got ${got(v)}`)),
});
const ACK_MSG = obj({ ...ENVELOPE, kind: oneOf("ack"), of: count, for: oneOf("ipi", "tlbi") });
const MSG: Check = (v, cx) => {
  const kind = typeof v === "object" && v !== null ? (v as { kind?: unknown }).kind : undefined;
  return kind === "ipi"
    ? IPI_MSG(v, cx)
    : kind === "tlbi"
      ? TLBI_MSG(v, cx)
      : kind === "ack"
        ? ACK_MSG(v, cx)
        : `kind: expected ipi, tlbi or ack, got ${got(kind)}`;
};
const ENTRY = obj({
  vpn: int(0, 0xfffff),
  asid: count,
  vmid: count,
  global: bool,
  pa: u32,
  writable: bool,
  table: str,
  gen: count,
  filledAt: count,
  lastUsed: optional(count),
});
const PTE = obj({ pa: u32, global: bool, writable: bool });
const WAIT: Check = (v, cx) => {
  const on = typeof v === "object" && v !== null ? (v as { on?: unknown }).on : undefined;
  if (on === "lock") return obj({ on: str, name: str })(v, cx);
  if (on === "acks" || on === "dsb") return obj({ on: str, outstanding: count })(v, cx);
  if (on === "idle") return obj({ on: str })(v, cx);
  return `on: expected lock, acks, dsb or idle, got ${got(on)}`;
};
const hypOnly = (shape: Shape): Shape => shape;

/** Every field but the common seq, t and core; the common ones are checked first for every type. */
export const eventSchemas: { readonly [K in EventType]: Shape } = {
  choice: {
    kind: oneOf("step", "program", "victim", "read", "store"),
    pick: count,
    of: int(1, Number.MAX_SAFE_INTEGER),
    what: str,
  },
  violation: { invariant: str, message: str, at: count },
  "reg.write": { regs: obj(REGS) },
  barrier: { kind: oneOf("isb", "dsb", "dmb", "dmb.ld", "dmb.st"), ptw: optional(bool) },
  "core.wait": { wait: WAIT },
  "core.done": {},
  "var.read": { name: str, old: num, value: num, from: optional(int(-1, Number.MAX_SAFE_INTEGER)), newest: optional(count) },
  "var.write": { name: str, old: num, value: num, co: optional(count), buffered: optional(bool) },
  "var.propagate": { name: str, value: num, of: count, co: count },
  "var.xchg": { name: str, old: num, value: num, co: optional(count) },
  "var.cmpxchg": { name: str, old: num, value: num, co: optional(count) },
  "lock.acquire": { name: str },
  "lock.release": { name: str },
  "tlb.hit": { va: u32, slot, write: bool },
  "tlb.fill": {
    va: u32,
    spec: bool,
    write: bool,
    entry: ENTRY,
    slot,
    evicted: bool,
    steps: count,
    pte: optional(oneOf("new", "old")),
    wc: optional(WC_USE),
  },
  "mmu.fault": { va: u32, spec: bool, table: str, steps: count, pte: optional(oneOf("new", "old")) },
  tlbi: { op: TLBI, broadcast: bool, msgs: arr(TLBI_MSG), removed: count },
  "pte.write": { table: str, va: u32, pte: nullable(PTE), ptAlloc: optional(count) },
  "pt.unlink": { table: str, va: u32, pfn: count },
  "pt.free": { pfn: count },
  "pte.retire": { table: str, va: u32 },
  "ipi.send": { msgs: arr(IPI_MSG), wait: bool },
  "bus.deliver": { msg: MSG, removed: count, ack: nullable(MSG), late: optional(MSG) },
  "ipi.done": { of: count, ack: MSG },
  "ipi.acked": { count },
  "sched.pick": { task, prev: taskOrNone, mm: str },
  "sched.yield": { task },
  "task.exit": { task },
  "asid.rollover": { generation: count },
  "asid.assign": { mm: str, generation: count, asid: count },
  "vcpu.load": hypOnly({ vcpu }),
  "vcpu.put": hypOnly({ vcpu }),
  "hyp.save": hypOnly({ into: (v, cx) => (v === "host" ? null : vcpu(v, cx)), regs: obj(REGS) }),
  "hyp.enter": hypOnly({ vcpu, vm: str, vmid: count, gen: count, mode: MODE }),
  "hyp.exit": hypOnly({ vcpu, reason: oneOf("hvc", "irq", "cp15", "yield"), mode: MODE }),
  "vmid.assign": hypOnly({ vm: str, vmid: count, gen: count }),
  "vmid.rollover": hypOnly({ gen: count }),
};

/** The schemas as field lists, made once: this runs for every event of every log read. */
const FIELDS = new Map<string, [string, Check][]>(Object.entries(eventSchemas).map(([t, shape]) => [t, Object.entries(shape)]));
const COMMON = new Set(["seq", "t", "core", "type"]);

const HYP_TYPES = new Set<string>(["vcpu.load", "vcpu.put", "hyp.save", "hyp.enter", "hyp.exit", "vmid.assign", "vmid.rollover"]);
/** Events about the machine as a whole may carry core -1 (EventBase); these are the only ones that do. */
const MACHINE_WIDE = new Set<string>(["choice", "violation"]);

/** Null when `ev` (a parsed log line already known to be an object with a string `type`) fits its type's schema. */
export function checkEvent(ev: SimEvent, cx: SchemaContext): string | null {
  const o = ev as unknown as Record<string, unknown>;
  const fields = FIELDS.get(ev.type);
  if (!fields) return `type: unknown event type ${got(ev.type)}`;
  if (HYP_TYPES.has(ev.type) && !cx.hyp) return `type: a ${ev.type} event in a log whose configuration has no hypervisor`;
  const shape = eventSchemas[ev.type];
  const tWhy = num(o.t, cx);
  if (tWhy) return `t: ${tWhy}`;
  const c = o.core;
  const coreOk =
    typeof c === "number" && Number.isInteger(c) && c < cx.cores && (c >= 0 || (c === -1 && MACHINE_WIDE.has(ev.type)));
  if (!coreOk) return `core: ${(MACHINE_WIDE.has(ev.type) ? int(-1, cx.cores - 1) : core)(c, cx) ?? "out of range"}`;
  for (const k in o) if (!COMMON.has(k) && !Object.hasOwn(shape, k)) return `${k}: unexpected field for a ${ev.type} event`;
  for (let i = 0; i < fields.length; i++) {
    const [k, check] = fields[i]!;
    const why = check(o[k], cx);
    if (why) return `${k}: ${why}`;
  }
  return null;
}

/** What a log written from `scenario` (its header's validated configuration) may refer to. */
export function schemaOf(scenario: {
  machine: { cores: number; tlbEntries: number };
  tasks: readonly { id: string; vcpu?: string }[];
  hyp: unknown;
}): SchemaContext {
  return {
    cores: scenario.machine.cores,
    tlbEntries: scenario.machine.tlbEntries,
    tasks: new Set(scenario.tasks.map((t) => t.id)),
    vcpus: new Set(scenario.tasks.filter((t) => t.vcpu !== undefined).map((t) => t.id)),
    hyp: scenario.hyp !== null && scenario.hyp !== undefined,
  };
}
