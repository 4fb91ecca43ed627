/**
 * A user's context-switch, TLB-flush, VMID-allocator or world-switch module, checked as the ASID
 * allocator modules are (src/kernel/asid/checked-module.ts): whatever it yields, returns or throws is
 * checked, and a mistake is an AllocatorError naming the module file, the operation and why (exit 2).
 */
import type { Op } from "../engine/ops.js";
import { call, checked, checkedVars, mustBe, show, type CheckOptions } from "../kernel/asid/checked-module.js";
import { AllocatorError } from "../kernel/asid/errors.js";
import type { IpiHandler, KernelCtx } from "../kernel/context.js";
import type { ContextSwitch, TlbFlush } from "../kernel/modules.js";
import type { Shootdown, TableFlush } from "../scenario/types.js";
import type { VmidAllocator } from "../hyp/context.js";
import type { WorldSwitchModel } from "../hyp/world-switch.js";

type Gen<T> = Generator<Op, T, number>;

/** Runs `make` (a module function returning a step program) with every step checked. */
const program = <T>(file: string, what: string, k: KernelCtx, cpu: number, make: () => unknown, opts?: CheckOptions): Gen<T> =>
  checked(file, what, k, cpu, call(file, what, make), opts) as Gen<T>;

function handlers(file: string, user: Readonly<Record<string, unknown>> | undefined): Record<string, IpiHandler> {
  const out: Record<string, IpiHandler> = {};
  for (const [name, h] of Object.entries(user ?? {})) {
    if (typeof h !== "function") throw new AllocatorError(`${file}: ipiHandlers.${name} is not a function`);
    out[name] = (k, cpu, msg) => program(file, `IPI handler ${name}`, k, cpu, () => (h as IpiHandler)(k, cpu, msg));
  }
  return out;
}

const PAGE_TABLE_OPS: ReadonlySet<string> = new Set(["pte", "retire", "pmd-clear", "pt-free"]);
const GUEST_OPS: ReadonlySet<string> = new Set(["in-guest"]);

export function checkedContextSwitch(file: string, user: ContextSwitch): ContextSwitch {
  return {
    name: user.name,
    contextSwitch(k, asids, cpu, prev, next) {
      // The mm it leaves loaded must be one the machine has ("" only if nothing was ever loaded).
      const result = (v: unknown): string | null =>
        typeof v === "string" && (Object.hasOwn(k.scenario.tables, v) || v === prev)
          ? null
          : `returned ${show(v)}, not the mm now loaded (a table name, or prev)`;
      return program(file, "contextSwitch", k, cpu, () => user.contextSwitch(k, asids, cpu, prev, next), { result });
    },
  };
}

export function checkedTlbFlush(file: string, user: TlbFlush): TlbFlush {
  return {
    name: user.name,
    unmapPage(k, cpu, mm, va, how) {
      return program(file, "unmapPage", k, cpu, () => user.unmapPage(k, cpu, mm, va, how), { extraOps: PAGE_TABLE_OPS });
    },
    ...(typeof user.flushTlbRange === "function"
      ? {
          flushTlbRange(
            k: KernelCtx,
            cpu: number,
            mm: string,
            start: number,
            end: number,
            how: Shootdown,
          ): Generator<Op, void, number> {
            return program(file, "flushTlbRange", k, cpu, () => user.flushTlbRange!(k, cpu, mm, start, end, how));
          },
        }
      : {}),
    ...(typeof user.flushTlbMm === "function"
      ? {
          flushTlbMm(k: KernelCtx, cpu: number, mm: string, how: Shootdown): Generator<Op, void, number> {
            return program(file, "flushTlbMm", k, cpu, () => user.flushTlbMm!(k, cpu, mm, how));
          },
        }
      : {}),
    ...(typeof user.freeTable === "function"
      ? {
          freeTable(k: KernelCtx, cpu: number, mm: string, va: number, flush: TableFlush): Generator<Op, void, number> {
            return program(file, "freeTable", k, cpu, () => user.freeTable!(k, cpu, mm, va, flush), { extraOps: PAGE_TABLE_OPS });
          },
        }
      : {}),
    ipiHandlers: handlers(file, user.ipiHandlers),
  };
}

export function checkedVmidAllocator(file: string, user: VmidAllocator): VmidAllocator {
  const integer = { result: mustBe("number") };
  return {
    name: user.name,
    source: typeof user.source === "string" ? user.source : `user module ${file}`,
    initialVars: (vms, cores, bits) => checkedVars(file, () => user.initialVars(vms, cores, bits)),
    update: (h, cpu, vm) => program(file, "update", h.k, cpu, () => user.update(h, cpu, vm)),
    recheck: (h, cpu, vm) => program(file, "recheck", h.k, cpu, () => user.recheck(h, cpu, vm), integer),
    vttbrVmid: (h, cpu, vm) =>
      program<number>(file, "vttbrVmid", h.k, cpu, () => user.vttbrVmid(h, cpu, vm), {
        result: (v) =>
          Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** h.hyp.vmidBits
            ? null
            : `returned ${show(v)}, not a VMID (0 to ${2 ** h.hyp.vmidBits - 1})`,
      }),
    put: (h, cpu) => program(file, "put", h.k, cpu, () => user.put(h, cpu)),
    ipiHandlers: handlers(file, user.ipiHandlers),
  };
}

export function checkedWorldSwitch(file: string, user: WorldSwitchModel): WorldSwitchModel {
  return {
    usesVmids: user.usesVmids,
    guestMmuTraps: user.guestMmuTraps,
    enter: (h, cpu, vcpu, inject) =>
      program(file, "enter", h.k, cpu, () => user.enter(h, cpu, vcpu, inject), { extraOps: GUEST_OPS }),
    exit: (h, cpu, vcpu, reason) =>
      program(file, "exit", h.k, cpu, () => user.exit(h, cpu, vcpu, reason), { extraOps: GUEST_OPS, result: mustBe("boolean") }),
  };
}
