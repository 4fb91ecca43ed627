/**
 * The VMID allocator built on the arm64 ASID allocator (arch/arm64/kvm/vmid.c): a generation counted in
 * units of 1 << VMID_BITS, a bitmap of VMIDs in use, per-CPU `active_vmids` and `reserved_vmids`.
 * kvm_arm_vmid_update runs with preemption off before entry: a lock-free fast path (the VM's VMID is
 * of the current generation and a cmpxchg on active_vmids, from a non-zero old value, succeeds), else
 * under `cpu_vmid_lock` new_vmid keeps the old VMID when it is reserved or still free, or takes the
 * next free one; when none is left it bumps the generation and flush_context reserves every CPU's
 * active VMID and, unlike the ASID allocator, broadcasts the TLB invalidation at once
 * (__kvm_flush_vm_context). vcpu_put sets active_vmids to VMID_ACTIVE_INVALID (generation 1, VMID 0)
 * so an idle CPU reserves nothing at roll-over. No kick is needed: a running VMID stays reserved.
 */
import type { Op } from "../../engine/ops.js";
import { AllocatorError } from "../../kernel/asid/errors.js";
import type { HypCtx } from "../context.js";
import type { Step, VmidAllocator } from "./allocator.js";

const GEN = "vmid_generation";
const LOCK = "cpu_vmid_lock";
const CUR_IDX = "vmid_cur_idx";
const active = (c: number): string => `active_vmids[${c}]`;
const reserved = (c: number): string => `reserved_vmids[${c}]`;
const bit = (i: number): string => `vmid_map[${i}]`;
const vmId = (vm: string): string => `${vm}.vmid.id`;

const first = (h: HypCtx): number => 2 ** h.hyp.vmidBits; // VMID_FIRST_VERSION = NUM_USER_VMIDS
const low = (h: HypCtx, id: number): number => id % first(h);
const genOf = (h: HypCtx, id: number): number => Math.floor(id / first(h));

/** The bitmap is only touched under cpu_vmid_lock: scanning it is computation, not an interleaving point. */
function findNextZero(h: HypCtx, from: number): number {
  for (let i = from; i < first(h); i++) if (!h.k.state.vars[bit(i)]) return i;
  return first(h);
}

function* flushContext(h: HypCtx): Generator<Op, void, number> {
  for (let i = 0; i < first(h); i++) if (h.k.state.vars[bit(i)]) yield { k: "write", name: bit(i), value: 0 };
  for (let c = 0; c < h.k.cores; c++) {
    // atomic64_xchg_relaxed (arch/arm64/kvm/vmid.c v5.16, flush_context).
    let vmid = yield { k: "xchg", name: active(c), value: 0, ord: "relaxed" };
    // Preserve the reserved VMID of a CPU that has not run a vCPU since the last roll-over.
    if (vmid === 0) vmid = yield { k: "read", name: reserved(c) };
    yield { k: "write", name: bit(low(h, vmid)), value: 1 };
    yield { k: "write", name: reserved(c), value: vmid };
  }
  yield { k: "tlbi", op: { scope: "allvm" }, broadcast: true };
  yield { k: "dsb" };
}

/** check_update_reserved_vmid: every CPU that reserved `vmid` now reserves `newId`. */
function* checkUpdateReserved(h: HypCtx, vmid: number, newId: number): Step<boolean> {
  let hit = false;
  for (let c = 0; c < h.k.cores; c++) {
    if ((yield { k: "read", name: reserved(c) }) === vmid) {
      hit = true;
      yield { k: "write", name: reserved(c), value: newId };
    }
  }
  return hit;
}

function* newVmid(h: HypCtx, vm: string): Step<number> {
  const id = yield { k: "read", name: vmId(vm) };
  let gen = yield { k: "read", name: GEN };
  if (id !== 0) {
    const newId = gen + low(h, id);
    if ((yield* checkUpdateReserved(h, id, newId)) || !h.k.state.vars[bit(low(h, id))]) {
      yield { k: "write", name: bit(low(h, id)), value: 1 };
      yield { k: "write", name: vmId(vm), value: newId };
      return newId;
    }
  }
  let idx = findNextZero(h, yield { k: "read", name: CUR_IDX });
  if (idx === first(h)) {
    // Out of VMIDs: a new generation (atomic64_add_return_relaxed).
    gen += first(h);
    yield { k: "write", name: GEN, value: gen };
    yield { k: "note", ev: { type: "vmid.rollover", gen: genOf(h, gen) } };
    yield* flushContext(h);
    idx = findNextZero(h, 1);
  }
  yield { k: "write", name: CUR_IDX, value: idx };
  yield { k: "write", name: bit(idx), value: 1 };
  const newId = gen + idx;
  yield { k: "write", name: vmId(vm), value: newId };
  return newId;
}

export const kvm516: VmidAllocator = {
  name: "kvm-5.16",
  // A hybrid: v5.16 has no 32-bit KVM host (removed in v5.7), and its allocator runs under arm64's world
  // switch (arch/arm64/kvm/hyp/, nVHE or VHE), which is not modelled; here it runs under a15-hyp's.
  source: "arch/arm64/kvm/vmid.c (v5.16), under the modelled Cortex-A15 world switch: a hybrid, not a kernel that existed",
  initialVars(vms, cores, vmidBits) {
    const one = 2 ** vmidBits;
    if (cores >= one - 1) {
      throw new AllocatorError(
        `kvm-5.16 needs more VMIDs than CPUs + 1 (vmid.c: "more VMIDs than CPUs"): ${cores} cores, ${vmidBits}-bit VMIDs (hyp.vmidBits)`,
      );
    }
    const vars: Record<string, number> = { [GEN]: one, [CUR_IDX]: 1 };
    for (let c = 0; c < cores; c++) {
      vars[active(c)] = one; // VMID_ACTIVE_INVALID
      vars[reserved(c)] = 0;
    }
    for (const vm of vms) vars[vmId(vm)] = 0;
    return vars;
  },
  *update(h, cpu, vm) {
    let id = yield { k: "read", name: vmId(vm) };
    const old = yield { k: "read", name: active(cpu) };
    const gen = yield { k: "read", name: GEN };
    // Fast path: the old active value must be non-zero, or a roll-over has claimed it meanwhile.
    if (old !== 0 && genOf(h, id) === genOf(h, gen)) {
      // atomic64_cmpxchg_relaxed (arch/arm64/kvm/vmid.c v5.16, kvm_arm_vmid_update's fast path).
      if ((yield { k: "cmpxchg", name: active(cpu), expect: old, value: id, ord: "relaxed" }) !== 0) return;
    }
    yield { k: "lock", name: LOCK };
    id = yield { k: "read", name: vmId(vm) };
    if (genOf(h, id) !== genOf(h, yield { k: "read", name: GEN })) {
      id = yield* newVmid(h, vm);
      yield { k: "note", ev: { type: "vmid.assign", vm, vmid: low(h, id), gen: genOf(h, id) } };
    }
    yield { k: "write", name: active(cpu), value: id };
    yield { k: "unlock", name: LOCK };
  },
  *recheck(h, _cpu, vm) {
    return genOf(h, yield { k: "read", name: vmId(vm) });
  },
  *vttbrVmid(h, _cpu, vm) {
    return low(h, yield { k: "read", name: vmId(vm) });
  },
  *put(h, cpu) {
    yield { k: "write", name: active(cpu), value: first(h) };
  },
  ipiHandlers: {},
};
