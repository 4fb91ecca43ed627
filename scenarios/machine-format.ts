/** The scenario format's `machine` object: the cores, their TLBs, costs, latencies and hardware knobs. */
import { defaultLatencies, type Latencies } from "../bus/messages.js";
import { defaultCosts, type Costs } from "../cores/costs.js";
import { pageBase } from "../cores/page-table.js";
import type { WalkCacheConfig } from "../cores/walk-cache.js";
import { ARCHES } from "../src/scenario/arch.js";
import type { MachineConfig, TaskSpec, WorkloadOp } from "../src/scenario/types.js";
import type { Fields } from "./fields.js";

export const DEFAULT_PAGE_OFFSET = 0xc0000000;

export function readMachine(f: Fields, raw: unknown, tasks: TaskSpec[]): MachineConfig {
  const o = f.object(raw, "machine");
  f.known(o, "machine", [
    "arch",
    "cores",
    "tlbEntries",
    "tlbPolicy",
    "tlbWays",
    "pageOffset",
    "costs",
    "latencies",
    "speculation",
    "maxEvents",
    "tlbi",
    "walkCache",
    "sharedTlb",
    "memoryModel",
  ]);
  const spec = f.object(o.speculation ?? {}, "machine.speculation");
  f.known(spec, "machine.speculation", ["enabled", "rate", "vas"]);
  const knobs = readHardwareKnobs(f, o);
  const tlbEntries = f.opt(o, "tlbEntries", "machine", 64, (v, p) => f.int(v, p, 1, 4096));
  const tlbWays = readTlbWays(f, o.tlbWays, tlbEntries);
  return {
    arch: f.opt(o, "arch", "machine", "armv7", (v, p) => f.oneOf(v, p, ARCHES)),
    cores: f.opt(o, "cores", "machine", 4, (v, p) => f.int(v, p, 1, 64)),
    tlbEntries,
    tlbPolicy: f.opt(o, "tlbPolicy", "machine", "lru", (v, p) => f.oneOf(v, p, ["lru", "random"] as const)),
    ...(tlbWays !== undefined ? { tlbWays } : {}),
    pageOffset: f.opt(o, "pageOffset", "machine", DEFAULT_PAGE_OFFSET, (v, p) => f.address(v, p)),
    costs: readNumbers(f, o.costs, "machine.costs", defaultCosts),
    latencies: readNumbers(f, o.latencies, "machine.latencies", defaultLatencies),
    speculation: {
      enabled: f.opt(spec, "enabled", "machine.speculation", false, (v, p) => f.bool(v, p)),
      rate: f.opt(spec, "rate", "machine.speculation", 0.1, (v, p) => f.number(v, p, 0, 1)),
      vas: f.opt(spec, "vas", "machine.speculation", touchedVas(tasks), (v, p) =>
        f.array(v, p).map((x, i) => f.address(x, `${p}[${i}]`)),
      ),
    },
    maxEvents: f.opt(o, "maxEvents", "machine", 10_000_000, (v, p) => f.int(v, p, 1, 1e9)),
    ...knobs,
    memoryModel: f.opt(o, "memoryModel", "machine", "sc", (v, p) => f.oneOf(v, p, ["sc", "armv8"] as const)),
  };
}

/** `machine.tlbWays`: ways per set of a set-associative TLB, dividing tlbEntries (cores/tlb-sets.ts). */
function readTlbWays(f: Fields, raw: unknown, entries: number): number | undefined {
  if (raw === undefined) return undefined;
  const ways = f.int(raw, "machine.tlbWays", 1, 4096);
  if (entries % ways !== 0)
    f.fail("machine.tlbWays", `must divide machine.tlbEntries (${entries} entries do not make sets of ${ways} ways)`);
  return ways;
}

/**
 * Hardware knobs, each off by default (`tlbi` is always resolved, so `--set machine.tlbi.X` finds it). `tlbi.lateCompletion`: src/engine/late-tlbi.ts.
 * `sharedTlb`: false, or groups of cores that share one TLB (src/state/shared-tlb.ts), kept only when on.
 * `walkCache`: false, or `{ entries, asidTagged }` (cores/walk-cache.ts), kept only when on.
 */
function readHardwareKnobs(
  f: Fields,
  o: Record<string, unknown>,
): { tlbi: { lateCompletion: boolean }; sharedTlb?: number[][]; walkCache?: WalkCacheConfig } {
  const t = f.object(o.tlbi ?? {}, "machine.tlbi");
  f.known(t, "machine.tlbi", ["lateCompletion"]);
  const shared = readSharedTlb(
    f,
    o.sharedTlb,
    f.opt(o, "cores", "machine", 4, (v, p) => f.int(v, p, 1, 64)),
  );
  const wc = readWalkCache(f, o.walkCache);
  return {
    tlbi: { lateCompletion: f.opt(t, "lateCompletion", "machine.tlbi", false, (v, p) => f.bool(v, p)) },
    ...(shared ? { sharedTlb: shared } : {}),
    ...(wc ? { walkCache: wc } : {}),
  };
}

/** `machine.walkCache`: false (the default), true (4 ASID-tagged entries) or `{ entries, asidTagged }`. */
function readWalkCache(f: Fields, raw: unknown): WalkCacheConfig | null {
  if (raw === undefined || raw === false) return null;
  if (raw === true) return { entries: 4, asidTagged: true };
  const path = "machine.walkCache";
  const o = f.object(raw, path);
  f.known(o, path, ["entries", "asidTagged"]);
  return {
    entries: f.opt(o, "entries", path, 4, (v, p) => f.int(v, p, 1, 1024)),
    asidTagged: f.opt(o, "asidTagged", path, true, (v, p) => f.bool(v, p)),
  };
}

/** `machine.sharedTlb`: false, or disjoint groups of two or more cores, e.g. [[0, 1], [2, 3]] (SMT pairs). */
function readSharedTlb(f: Fields, raw: unknown, cores: number): number[][] | null {
  if (raw === undefined || raw === false) return null;
  const path = "machine.sharedTlb";
  const seen = new Set<number>();
  const groups = f.array(raw, path).map((g, i) => {
    const members = f.array(g, `${path}[${i}]`).map((c, j) => f.int(c, `${path}[${i}][${j}]`, 0, cores - 1));
    if (members.length < 2) f.fail(`${path}[${i}]`, "a shared TLB needs two or more cores");
    for (const c of members) {
      if (seen.has(c)) f.fail(`${path}[${i}]`, `core ${c} is in two groups (a core has one TLB)`);
      seen.add(c);
    }
    return members;
  });
  return groups.length ? groups : null;
}

function readNumbers<T extends Costs | Latencies>(f: Fields, raw: unknown, path: string, defaults: T): T {
  const out = { ...defaults } as T & Record<string, number>;
  if (raw === undefined) return out;
  const o = f.object(raw, path);
  f.known(o, path, Object.keys(defaults));
  for (const [k, v] of Object.entries(o)) out[k] = f.int(v, `${path}.${k}`, 0, 1e9);
  return out;
}

/** Every VA a workload touches, in first-touch order: where speculative walks may happen by default. */
function touchedVas(tasks: TaskSpec[]): number[] {
  const seen = new Set<number>();
  const visit = (ops: WorkloadOp[]): void => {
    for (const op of ops) {
      if ("va" in op) seen.add(pageBase(op.va));
      if (op.op === "repeat") visit(op.body);
    }
  };
  for (const t of tasks) visit(t.script);
  return [...seen];
}
