/**
 * KVM/ARM's first VMID allocator, update_vttbr() in arch/arm/kvm/arm.c (v3.9; virt/kvm/arm/arm.c up
 * to 5.x): a global generation `kvm_vmid_gen`, a counter `kvm_next_vmid` (VMID 0 is the host's) and
 * `kvm_vmid_lock`. When the counter wraps, the allocating CPU bumps the generation, kicks every CPU out
 * of its guest (force_vm_exit: smp_call_function_many(..., exit_vm_noop, wait=1)) and invalidates every
 * VMID's TLB entries on every CPU (__kvm_flush_vm_context: TLBIALLNSNHIS). The run loop re-checks the
 * generation with interrupts off before it enters (kvm_arch_vcpu_ioctl_run).
 *
 * The order in which the VM's new VMID and generation are published is `hyp.vmidPublish`: 3.9 wrote
 * the generation first; Christoffer Dall's fix (v5.0, fb544d1ca65a "KVM: arm/arm64: Fix VMID alloc race
 * by reverting to lock-less") writes the VMID first and the generation after an smp_wmb(), because a
 * vCPU of the same VM that sees the new generation in its re-check enters with the VMID it reads next.
 */
import type { VmidAllocator } from "./allocator.js";
import { EXIT_VM } from "./allocator.js";

const GEN = "kvm_vmid_gen";
const NEXT = "kvm_next_vmid";
const LOCK = "kvm_vmid_lock";
const vmGen = (vm: string): string => `${vm}.arch.vmid_gen`;
const vmVmid = (vm: string): string => `${vm}.arch.vmid`;

export const kvm39: VmidAllocator = {
  name: "kvm-3.9",
  source: "arch/arm/kvm/arm.c update_vttbr (v3.9), publish order per fb544d1ca65a (v5.0)",
  initialVars(vms) {
    // kvm_vmid_gen starts at 1 and a VM's vmid_gen at 0, so every VM allocates on its first run.
    const vars: Record<string, number> = { [GEN]: 1, [NEXT]: 1 };
    for (const vm of vms) {
      vars[vmGen(vm)] = 0;
      vars[vmVmid(vm)] = 0;
    }
    return vars;
  },
  *update(h, cpu, vm) {
    // need_new_vmid_gen, without the lock.
    if ((yield { k: "read", name: vmGen(vm) }) === (yield { k: "read", name: GEN })) return;
    yield { k: "lock", name: LOCK };
    // Re-check: another vCPU of this VM may have allocated while we waited for the lock.
    if ((yield { k: "read", name: vmGen(vm) }) === (yield { k: "read", name: GEN })) {
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
    if (h.hyp.vmidPublish === "gen-first") {
      yield { k: "write", name: vmGen(vm), value: gen };
      yield { k: "write", name: vmVmid(vm), value: next };
    } else {
      yield { k: "write", name: vmVmid(vm), value: next };
      yield { k: "write", name: vmGen(vm), value: gen };
    }
    // kvm_next_vmid++ (u8 in 3.9); later kernels mask it with the VMID width.
    yield { k: "write", name: NEXT, value: (next + 1) % 2 ** h.hyp.vmidBits };
    yield { k: "note", ev: { type: "vmid.assign", vm, vmid: next, gen } };
    yield { k: "unlock", name: LOCK };
  },
  *recheck(_h, _cpu, vm) {
    const mine = yield { k: "read", name: vmGen(vm) };
    return mine === (yield { k: "read", name: GEN }) ? mine : -1;
  },
  *vttbrVmid(_h, _cpu, vm) {
    return yield { k: "read", name: vmVmid(vm) };
  },
  *put() {},
  ipiHandlers: {
    *[EXIT_VM]() {},
  },
};
