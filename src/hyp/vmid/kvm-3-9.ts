/**
 * KVM/ARM's first VMID allocator, update_vttbr() in arch/arm/kvm/arm.c (v3.9; virt/kvm/arm/arm.c up
 * to 5.x): a global generation `kvm_vmid_gen`, a counter `kvm_next_vmid` (VMID 0 is the host's) and
 * `kvm_vmid_lock`. When the counter wraps, the allocating CPU bumps the generation, kicks every CPU out
 * of its guest (force_vm_exit: smp_call_function_many(..., exit_vm_noop, wait=1)) and invalidates every
 * VMID's TLB entries on every CPU (__kvm_flush_vm_context: TLBIALLNSNHIS). The run loop re-checks the
 * generation with interrupts off before it enters (kvm_arch_vcpu_ioctl_run).
 *
 * update_vttbr publishes three things: the VM's generation (kvm->arch.vmid_gen), its VMID
 * (kvm->arch.vmid) and, last, the VTTBR value built from it (kvm->arch.vttbr), which is what the world
 * switch loads (__kvm_vcpu_run: `ldrd r2, r3, [r1, #KVM_VTTBR]; mcrr p15, 6, r2, r3, c2`,
 * arch/arm/kvm/interrupts.S v3.9). `hyp.vmidPublish` picks the kernels' versions of it:
 * - `v3.9` (3.9 to 4.16): the first check unlocked, kvm_vmid_lock a spinlock; stores generation, VMID,
 *   kvm_next_vmid++, VTTBR, in that order.
 * - `v4.17` (4.17 to 4.20, Marc Zyngier's "KVM: arm/arm64: Close VMID generation race"): kvm_vmid_lock an
 *   rwlock, the first check under read_lock, the allocation under write_lock; the same store order, so a
 *   vCPU whose unlocked re-check in the run loop (interrupts off) sees the new generation can still load
 *   the old VTTBR: the partial fix.
 * - `v5.0` (fb544d1ca65a, "KVM: arm/arm64: Fix VMID alloc race by reverting to lock-less"): VMID and VTTBR
 *   first, smp_wmb(), then WRITE_ONCE(vmid_gen); need_new_vmid_gen reads the global generation, smp_rmb(),
 *   then READ_ONCE(vmid_gen). The barriers are no-ops under the sc memory model; they matter under armv8.
 *   v3.9 and v4.17 have no barriers here: under armv8 neither does the model. The run loop's re-check and
 *   the world switch's read of kvm->arch.vttbr are ordered by the HVC between them (an exception entry
 *   is a context synchronization event, ARM ARM D1.x) with a control dependency, modelled by the ISB of
 *   restore_timer_state on the way (src/hyp/a15-hyp.ts).
 */
import type { HypCtx } from "../context.js";
import type { Step, VmidAllocator } from "./allocator.js";
import { EXIT_VM } from "./allocator.js";

const GEN = "kvm_vmid_gen";
const NEXT = "kvm_next_vmid";
const LOCK = "kvm_vmid_lock";
const vmGen = (vm: string): string => `${vm}.arch.vmid_gen`;
const vmVmid = (vm: string): string => `${vm}.arch.vmid`;
/** kvm->arch.vttbr: the stage-2 base and VMID the world switch loads; modelled by its VMID field. */
const vmVttbr = (vm: string): string => `${vm}.arch.vttbr`;

/** need_new_vmid_gen: the VM's generation is not the current one. v5.0 reads the global one first. */
function* needNewVmidGen(h: HypCtx, vm: string): Step<boolean> {
  if (h.hyp.vmidPublish === "v5.0") {
    const current = yield { k: "read", name: GEN };
    // smp_rmb(): orders the read of kvm_vmid_gen before READ_ONCE(vmid->vmid_gen) (virt/kvm/arm/arm.c
    // v5.0, need_new_vmid_gen). `vmidBarriers: false` drops the pair (the order without the fix's barriers).
    if (h.hyp.vmidBarriers) yield { k: "dmb", kind: "ld" };
    return (yield { k: "read", name: vmGen(vm) }) !== current;
  }
  return (yield { k: "read", name: vmGen(vm) }) !== (yield { k: "read", name: GEN });
}

export const kvm39: VmidAllocator = {
  name: "kvm-3.9",
  source: "arch/arm/kvm/arm.c update_vttbr (v3.9), virt/kvm/arm/arm.c (v4.17 rwlock; v5.0 fb544d1ca65a lock-less order)",
  initialVars(vms) {
    // kvm_vmid_gen starts at 1 and a VM's vmid_gen at 0, so every VM allocates on its first run.
    const vars: Record<string, number> = { [GEN]: 1, [NEXT]: 1 };
    for (const vm of vms) {
      vars[vmGen(vm)] = 0;
      vars[vmVmid(vm)] = 0;
      vars[vmVttbr(vm)] = 0;
    }
    return vars;
  },
  *update(h, cpu, vm) {
    if (h.hyp.vmidPublish === "v4.17") {
      // read_lock(&kvm_vmid_lock) around the first check. A read lock is modelled by the lock itself: two
      // readers' checks are reads of the same variables and commute, so serialising them hides nothing.
      yield { k: "lock", name: LOCK };
      const stale = yield* needNewVmidGen(h, vm);
      yield { k: "unlock", name: LOCK };
      if (!stale) return;
    } else if (!(yield* needNewVmidGen(h, vm))) return; // without the lock
    // spin_lock (write_lock from v4.17 to v4.20).
    yield { k: "lock", name: LOCK };
    // Re-check: another vCPU of this VM may have allocated while we waited for the lock.
    if (!(yield* needNewVmidGen(h, vm))) {
      yield { k: "unlock", name: LOCK };
      return;
    }
    let next = yield { k: "read", name: NEXT };
    if (next === 0) {
      // First user of a new generation.
      const gen = (yield { k: "read", name: GEN }) + 1;
      yield { k: "write", name: GEN, value: gen };
      yield { k: "note", ev: { type: "vmid.rollover", gen } };
      yield { k: "write", name: NEXT, value: 1 };
      next = 1;
      const others = Array.from({ length: h.k.cores }, (_, c) => c).filter((c) => c !== cpu);
      if (others.length > 0) {
        yield { k: "ipi", to: others, ipi: EXIT_VM, arg: 0, wait: true };
        yield { k: "wait-acks" };
      }
      yield { k: "tlbi", op: { scope: "allvm" }, broadcast: true };
      yield { k: "dsb" };
    }
    const gen = yield { k: "read", name: GEN };
    if (h.hyp.vmidPublish === "v5.0") {
      yield { k: "write", name: vmVmid(vm), value: next };
      yield { k: "write", name: NEXT, value: (next + 1) % 2 ** h.hyp.vmidBits };
      yield { k: "write", name: vmVttbr(vm), value: next };
      // smp_wmb(); WRITE_ONCE(vmid->vmid_gen, ...): the generation last (update_vttbr, v5.0).
      if (h.hyp.vmidBarriers) yield { k: "dmb", kind: "st" };
      yield { k: "write", name: vmGen(vm), value: gen };
    } else {
      yield { k: "write", name: vmGen(vm), value: gen };
      yield { k: "write", name: vmVmid(vm), value: next };
      // kvm_next_vmid++ (u8 in 3.9); later kernels mask it with the VMID width.
      yield { k: "write", name: NEXT, value: (next + 1) % 2 ** h.hyp.vmidBits };
      // kvm->arch.vttbr = pgd_phys | vmid << VTTBR_VMID_SHIFT: what the world switch will load.
      yield { k: "write", name: vmVttbr(vm), value: next };
    }
    yield { k: "note", ev: { type: "vmid.assign", vm, vmid: next, gen } };
    yield { k: "unlock", name: LOCK };
  },
  *recheck(h, _cpu, vm) {
    // kvm_arch_vcpu_ioctl_run, interrupts off: `if (ret <= 0 || need_new_vmid_gen(vcpu->kvm))` (unlocked in
    // every version). The generation it entered under is the VM's, as the world switch will see it.
    if (yield* needNewVmidGen(h, vm)) return -1;
    return h.k.state.vars[vmGen(vm)] ?? 0;
  },
  *vttbrVmid(_h, _cpu, vm) {
    // __kvm_vcpu_run loads VTTBR from kvm->arch.vttbr.
    return yield { k: "read", name: vmVttbr(vm) };
  },
  *put() {},
  ipiHandlers: {
    *[EXIT_VM]() {},
  },
};
