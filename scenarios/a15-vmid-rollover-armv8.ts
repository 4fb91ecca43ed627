/**
 * a15-vmid-rollover under machine.memoryModel "armv8": kvm-3.9's v3.9 publish order (arch/arm/kvm/arm.c
 * v3.9, update_vttbr) stores kvm->arch.vmid_gen, kvm->arch.vmid, kvm_next_vmid and kvm->arch.vttbr with
 * no barrier between them, and another vCPU of the VM checks need_new_vmid_gen without the lock
 * (kvm_arch_vcpu_ioctl_run's re-check with interrupts off) before the world switch loads
 * kvm->arch.vttbr. Its read side is ordered (a control dependency and the HVC, an exception entry, as
 * an ISB), its write side is not: the message-passing shape MP+po+ctrlisb, allowed by ARMv8 (and by
 * ARMv7, which the A15 is: the armv8 model is its approximation). So a vCPU may see the new generation
 * and then the VTTBR of before, even after the allocator's spin_unlock (the reader takes no lock).
 * fb544d1ca65a (v5.0) closed it with smp_wmb() / smp_rmb() (a15-vmid-armv8-*). Under sc the same order
 * is the race of "Finding: kvm-3.9's VMID publish order" (a15-vmid-publish-race), which needs the reader
 * to run between two stores; under armv8 the window stays open until the reader's view catches up.
 */
import { vmidLoad } from "./a15-vmid-rollover.js";

const base = vmidLoad(
  "a15-vmid-rollover-armv8",
  "a15-vmid-rollover under the armv8 memory model: kvm-3.9 v3.9 publishes vmid_gen before vttbr with no barrier; a vCPU sees the new generation and enters with the old VTTBR (violation)",
  "violation",
  { cores: 4, vcpus: [2, 1, 1, 1, 1, 1, 1, 1, 1], rounds: 6, vmidBits: 3, vmidAllocator: "kvm-3.9", vmidPublish: "v3.9" },
);

export default {
  ...base,
  machine: { ...base.machine, memoryModel: "armv8" },
  // Found by `smpsim explore a15-vmid-rollover --strategy random --budget 300 --set
  // machine.memoryModel=armv8` (schedule 37 of the first seed, shrunk by explore): core 2 (vm1.vcpu0)
  // gives vm1 VMID 1 of generation 1; core 3 (vm1.vcpu1) reads vm1.arch.vmid_gen = 1, passes both
  // checks, and its world switch reads vm1.arch.vttbr = 0 (the boot value) although the 1 had reached
  // memory: VMID 0, the host's.
  schedule: {
    choices: "201107303320330220202122310010020{3}10{9}101{3}0{4}3220010102120021{3}20{5}12121{3}212113{4}03{15}03310122330123",
  },
};
